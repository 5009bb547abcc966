package redact

import (
	"encoding/json"
	"time"
)

// JSON returns blob with Personal applied to every string value (object
// keys are left alone: they are field names and signal ids). The bot
// stores classifier state, verdicts, cases and LLM answers as JSON whose
// strings may quote a message ("call 13812345678"); redacting the encoded
// document covers every field, including ones added later. A blob that is
// not valid JSON is redacted as plain text, so nothing passes unredacted.
func JSON(blob []byte) []byte {
	if !json.Valid(blob) {
		return []byte(Personal(string(blob)))
	}
	var out []byte // nil until a string changes
	copied := 0    // blob[:copied] is in out
	for i := 0; i < len(blob); i++ {
		if blob[i] != '"' {
			continue
		}
		end := stringEnd(blob, i)
		if isKey(blob, end) {
			i = end - 1
			continue
		}
		var value string
		// The blob is valid JSON, so a string token always decodes.
		_ = json.Unmarshal(blob[i:end], &value)
		if isTimestamp(value) {
			// Times are encoded as strings, and their nanoseconds
			// look like a long number.
			i = end - 1
			continue
		}
		if redacted := Personal(value); redacted != value {
			encoded, _ := json.Marshal(redacted)
			out = append(out, blob[copied:i]...)
			out = append(out, encoded...)
			copied = end
		}
		i = end - 1
	}
	if out == nil {
		return blob
	}
	return append(out, blob[copied:]...)
}

// stringEnd returns the index just past the string token that starts at
// blob[start] (a quote).
func stringEnd(blob []byte, start int) int {
	for j := start + 1; j < len(blob); j++ {
		switch blob[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(blob)
}

// isKey reports whether the string token ending at end is an object key:
// a colon follows it.
func isKey(blob []byte, end int) bool {
	for j := end; j < len(blob); j++ {
		switch blob[j] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

// isTimestamp reports an RFC 3339 time, as encoding/json writes time.Time.
func isTimestamp(s string) bool {
	if len(s) < len("2006-01-02T15:04:05Z") || len(s) > len(time.RFC3339Nano)+6 || s[4] != '-' || s[10] != 'T' {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}
