package pii

// The labelled set in testdata is generated, with a fixed seed, by:
//go:generate go run ./internal/labelgen -o testdata/labelled.jsonl
