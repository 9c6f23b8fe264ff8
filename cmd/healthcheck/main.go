// Healthcheck asks a Buurtplein server whether it is healthy: it exits 0
// when GET url answers 200 within five seconds, 1 otherwise. The container
// image runs it as its HEALTHCHECK: the image has no shell and no curl, and
// the buurtplein binary itself would open the data dir for every check.
//
//	healthcheck http://127.0.0.1:8090/api/health
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	url := "http://127.0.0.1:8090/api/health"
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	if err := check(url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// check answers nil when url answers 200 within five seconds.
func check(url string) error {
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		return fmt.Errorf("niet gezond: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("niet gezond: %s antwoordt %s", url, res.Status)
	}
	return nil
}
