// Package authz holds Buurtplein's authorization matrix and the tests that
// hold the API to it.
//
// The matrix (matrix.txt) is data, not code: one line per collection or
// custom route, operation and kind of record, with the outcome each role
// should get (anonymous, a member of the owning team, a member of another
// team, the owning team's coordinator, BOB staff, a superuser, a user
// removed from the team and an expired token). TestMatrix turns every line
// into concrete requests against a real app: list, view, create, update,
// delete, filters and sorts across relations, expand, realtime
// subscriptions, batch requests, file downloads and the custom routes. It
// checks each status and that no body carries a record the role may not
// read.
//
// TestRules reads the API rules themselves: every collection that holds
// team data (it reaches the teams collection through its relations) or is
// marked scoped by the filter guard must check a membership or the
// record's owner on each path that grants access, and keep its files
// protected.
//
// TestMatrixCoversRegistry holds the matrix to the plugin registry
// (plugins.All): every collection a plugin owns needs matrix lines.
//
// Run it with:
//
//	GOTOOLCHAIN=auto go test ./authz/
package authz
