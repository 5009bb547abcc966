package store

// Unpack returns a blob as the store wrote it before compression: the
// classifier state and verdict in a chat's conv hash are deflated above a
// size (see compress.go). Blobs that were stored uncompressed come back
// as they are. It is for code that reads raw keys: exports and the tests
// that scan everything stored.
func Unpack(stored []byte) ([]byte, error) { return unpack(stored) }
