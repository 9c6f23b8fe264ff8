package storage

import (
	"io"

	"github.com/pocketbase/pocketbase/core"
)

// RegisterWithOutput is [Register] printing the messages for IT to out
// instead of the standard error.
func RegisterWithOutput(app core.App, config Config, out io.Writer) error {
	return register(app, config, out)
}
