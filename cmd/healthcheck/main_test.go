package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCheck checks the answers healthcheck takes for healthy: 200 only.
func TestCheck(t *testing.T) {
	status := http.StatusOK
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
	}))
	defer server.Close()

	if err := check(server.URL); err != nil {
		t.Fatalf("a 200: %v", err)
	}
	status = http.StatusServiceUnavailable
	if err := check(server.URL); err == nil {
		t.Fatal("a 503 counted as healthy")
	}
	server.Close()
	if err := check(server.URL); err == nil {
		t.Fatal("a server that is gone counted as healthy")
	}
}
