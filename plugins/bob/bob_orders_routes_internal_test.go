package bob

import "testing"

// TestPreviewGate checks that an employee has one live preview under way
// at a time, and others theirs.
func TestPreviewGate(t *testing.T) {
	var g previewGate
	leave, ok := g.enter("bram")
	if !ok {
		t.Fatal("bram's first preview was refused")
	}
	if _, ok := g.enter("bram"); ok {
		t.Error("bram's second preview at once was let in")
	}
	leaveCarla, ok := g.enter("carla")
	if !ok {
		t.Error("carla's preview waited for bram's")
	}
	leave()
	if _, ok := g.enter("bram"); !ok {
		t.Error("bram's preview after the first ended was refused")
	}
	leaveCarla()
}
