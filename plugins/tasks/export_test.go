package tasks

// DemoTaskDays maps the title of each demo task to the days from today it
// is due, for the tests of the seeded demo.
func DemoTaskDays() map[string]int {
	days := make(map[string]int, len(demoTasks))
	for _, d := range demoTasks {
		days[d.title] = d.dueInDays
	}
	return days
}
