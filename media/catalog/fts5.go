//go:build !sqlite_fts5

package catalog

// The catalog's search index is an FTS5 table, which mattn/go-sqlite3
// compiles in only with the sqlite_fts5 build tag. Without it the program
// would start and then fail on the first import with "no such module: fts5",
// so such a build stops here instead. Build with `make build`, or
// `go build -tags sqlite_fts5 ./cmd/customer-room`.
var _ = build_with_go_build_tags_sqlite_fts5
