// Package pb_public holds the PWA's files, embedded in the binary so that
// the one file is the whole product; plugins/pwa serves them.
package pb_public

import "embed"

// Files are the PWA's files, at the root: index.html, js/app.js and so on.
//
// The patterns name what is served, so this Go file, its tests and
// README.md stay out. A new file in one of these folders is embedded by
// itself; a new top-level file or folder needs a pattern here (the
// package's test fails until it has one). Names that start with "." or "_"
// are left out by go:embed and fail that test too.
//
//go:embed index.html manifest.webmanifest sw.js css i18n icons js vendor
var Files embed.FS
