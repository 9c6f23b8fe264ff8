package hooks

// NewTopicClient wraps a client as the server's realtime connect hook
// does, for benchmarks that register clients without a connection.
var NewTopicClient = newTopicClient
