package e2e

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestSearchScopedToReader puts a word that occurs nowhere else on a new
// page of Haarlem-Noord's wiki. Carla (Schalkwijk) searches it from the
// header's search button and finds nothing of it; bram (Haarlem-Noord)
// finds the page, with the word marked in its snippet, and its link
// leads to the page.
func TestSearchScopedToReader(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "bram@buurtplein.test")
	word := "zoekproef"
	for range 8 {
		word += string(rune('a' + rand.IntN(26)))
	}
	var page struct{ Id string }
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/wiki_pages/records", map[string]any{
		"team": api.teamId("haarlem-noord"), "slug": fmt.Sprintf("e2e-zoeken-%d", time.Now().UnixNano()),
		"title": "E2E zoekpagina", "body": "Alleen in Haarlem-Noord: het woord " + word + " staat hier.",
	}, &page)

	results := `[data-test=search][data-state=ready] [data-test=search-results]`
	hit := fmt.Sprintf(`[data-test=search-result][data-id=%q]`, page.Id)

	carla := b.tab("carla")
	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	carla.pressJS("open search from the header", `[data-test=search-open]`)
	carla.waitFor("see the search box focused", `document.activeElement?.matches('[data-test=search-input]')`)
	carla.do("type the word", chromedp.SendKeys(chromedp.CSS(`[data-test=search-input]`), word))
	carla.waitVisible("see the search answered", results)
	carla.waitVisible("see that nothing was found", results+` [data-test=search-empty]`)
	if eval[bool](carla, "look for the page", `document.querySelector(`+jsString(hit)+`) != null || document.body.innerText.includes("E2E zoekpagina")`) {
		t.Error("carla finds a page of Haarlem-Noord's wiki")
	}
	carla.checkFits()

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/search/" + word)
	bram.waitVisible("find the page", results+` [data-test=search-group][data-kind=wiki_pages] `+hit)
	if !eval[bool](bram, "see the word marked", `[...document.querySelectorAll(`+jsString(hit+` mark`)+`)].some(m => m.textContent.toLowerCase().includes(`+jsString(word)+`))`) {
		t.Error("the snippet of bram's result does not mark the word")
	}
	bram.checkFits()
	bram.pressJS("open the result", hit)
	bram.waitVisible("arrive at the page", fmt.Sprintf(`[data-test=wiki-page][data-id=%q][data-state=ready]`, page.Id))
}

// TestSearchFindsTask adds a Haarlem-Noord task with a word that occurs
// nowhere else in its description. Bram chooses "Taken" and finds it in
// the tasks' group, and its link opens the task; carla, of another team,
// finds nothing.
func TestSearchFindsTask(t *testing.T) {
	b := newBrowser(t)
	api := apiAs(t, b.baseURL, "bram@buurtplein.test")
	word := "taakproef"
	for range 8 {
		word += string(rune('a' + rand.IntN(26)))
	}
	var task struct{ Id string }
	api.decode(http.StatusOK, http.MethodPost, "/api/collections/tasks/records", map[string]any{
		"team": api.teamId("haarlem-noord"), "title": "E2E zoektaak", "created_by": api.userId,
		"description": "Alleen voor Haarlem-Noord: " + word + ".",
	}, &task)

	results := `[data-test=search][data-state=ready] [data-test=search-results]`
	hit := fmt.Sprintf(`[data-test=search-result][data-id=%q]`, task.Id)

	bram := b.tab("bram")
	bram.signIn("bram@buurtplein.test", "Bram Jansen")
	bram.goTo("#/search")
	bram.do("choose tasks", chromedp.SetValue(chromedp.CSS(`[data-test=search-kind]`), "tasks"))
	bram.do("type the word", chromedp.SendKeys(chromedp.CSS(`[data-test=search-input]`), word))
	bram.waitVisible("find the task", results+` [data-test=search-group][data-kind=tasks] `+hit)
	if !eval[bool](bram, "see the group's heading", `document.querySelector('[data-test=search-group][data-kind=tasks] h2')?.textContent.startsWith('Taken')`) {
		t.Error("the tasks' group is not headed Taken")
	}
	bram.checkFits()
	bram.pressJS("open the result", hit)
	bram.waitVisible("arrive at the task", fmt.Sprintf(`[data-test=task][data-id=%q][data-state=ready]`, task.Id))

	carla := b.tab("carla")
	carla.signIn("carla@buurtplein.test", "Carla Bakker")
	carla.goTo("#/search/" + word)
	carla.waitVisible("see that nothing was found", results+` [data-test=search-empty]`)
}
