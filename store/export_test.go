package store

// Record is record for the external tests (the benchmarks with the real
// classifier).
var Record = record
