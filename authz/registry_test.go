package authz_test

import (
	"testing"

	"buurtplein/plugins"
)

// coveredOperations are the operations the matrix must have a line for on
// every collection a plugin owns.
var coveredOperations = []string{"list", "view", "create", "update", "realtime"}

// TestMatrixCoversRegistry checks that every collection a plugin of the
// registry (plugins.All) owns has a kind in kinds_test.go and matrix lines
// for each of coveredOperations: a new plugin's collection without matrix
// rows fails here.
func TestMatrixCoversRegistry(t *testing.T) {
	rows, err := loadMatrix("matrix.txt")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]map[string]bool{} // collection -> operation -> has a line
	for _, r := range rows {
		k, _ := kindByName(r.target)
		if covered[k.collection()] == nil {
			covered[k.collection()] = map[string]bool{}
		}
		covered[k.collection()][r.op] = true
	}

	for _, p := range plugins.All {
		for _, c := range p.Collections {
			for _, op := range coveredOperations {
				if !covered[c][op] {
					t.Errorf("collection %s (plugin %s) has no %q line in matrix.txt", c, p.Name, op)
				}
			}
		}
	}
}
