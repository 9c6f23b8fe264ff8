package hooks

// NotificationsCollection is the name of the notifications collection,
// which the notify plugin (buurtplein/plugins/notify) owns. It stays here
// for the migrations written when the collection was created.
const NotificationsCollection = "notifications"
