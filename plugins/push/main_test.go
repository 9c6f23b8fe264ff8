package push_test

import (
	"os"
	"testing"

	"buurtplein/internal/testapp"
)

func TestMain(m *testing.M) { os.Exit(testapp.Run(m)) }
