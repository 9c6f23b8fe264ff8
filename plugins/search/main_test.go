package search_test

import (
	"os"
	"testing"

	"buurtplein/internal/testapp"
)

func TestMain(m *testing.M) {
	code := testapp.Run(m)
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}
