package regie

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// IsClientData reports whether collection holds client data.
func IsClientData(collection string) bool {
	return slices.Contains(ClientData, collection)
}

// clientOf returns the client a record of client data belongs to: the
// record itself for a client, else the client its client field names.
func clientOf(app core.App, record *core.Record) (*core.Record, error) {
	if record.Collection().Name == ClientsCollection {
		return record, nil
	}
	client, err := app.FindRecordById(ClientsCollection, record.GetString("client"))
	if err != nil {
		return nil, fmt.Errorf("the client of %s %s: %w", record.Collection().Name, record.Id, err)
	}
	return client, nil
}
