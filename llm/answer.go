package llm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/redact"
)

// Answer is the model's validated answer.
type Answer struct {
	IsScam bool             `json:"is_scam"`
	Level  classifier.Level `json:"level"`
	// Type is a catalog scam-type slug, or empty.
	Type string `json:"type"`
	// Stage is open, credibility, pivot, payment, or empty.
	Stage string `json:"stage"`
	// Brand is a catalog brand id, or empty.
	Brand string `json:"brand"`
	// Reasons are short sentences in the user's language, cleaned for
	// display (one line each, no numbers or links).
	Reasons []string `json:"reasons"`
	// Confidence is in 0..1.
	Confidence float64 `json:"confidence"`
	// Canary echoes the request's canary; empty in a cached answer.
	Canary string `json:"canary"`
}

// answerFields are exactly the fields an answer has.
var answerFields = []string{"is_scam", "level", "type", "stage", "brand", "reasons", "confidence", "canary"}

// Limits on an answer: anything beyond them is not a reasoned answer.
const (
	maxAnswerBytes = 16 << 10
	maxReasons     = 5
	maxReasonRunes = 300
)

// Why an answer is refused; wrapped with details.
var (
	errNoJSON      = errors.New("no JSON object in the answer")
	errWrongSchema = errors.New("answer does not match the schema")
	errCanary      = errors.New("answer lacks the request's canary")
)

// catalogIndex is what validation needs from the catalog.
type catalogIndex struct {
	types  map[string]bool
	brands map[string]bool
}

var stages = map[string]bool{"": true, "open": true, "credibility": true, "pivot": true, "payment": true}

// parseAnswer finds the answer's JSON object in content (a bare object, a
// fenced block, or an object inside prose for servers that support no JSON
// mode), decodes it strictly and validates it. canary is the request's
// token; empty skips that check (a cached answer has none).
func parseAnswer(content string, canary string, idx *catalogIndex) (Answer, error) {
	if len(content) > maxAnswerBytes {
		return Answer{}, fmt.Errorf("%w: %d bytes", errWrongSchema, len(content))
	}
	candidates := jsonObjects(content)
	if len(candidates) == 0 {
		return Answer{}, errNoJSON
	}
	var firstErr error
	for _, raw := range candidates {
		a, err := decodeAnswer(raw, idx)
		if err == nil && canary != "" && a.Canary != canary {
			err = errCanary
		}
		if err == nil {
			return a, nil
		}
		if firstErr == nil || errors.Is(err, errCanary) {
			firstErr = err
		}
	}
	return Answer{}, firstErr
}

// decodeAnswer decodes one JSON object with exactly the answer's fields.
func decodeAnswer(raw []byte, idx *catalogIndex) (Answer, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Answer{}, fmt.Errorf("%w: %v", errWrongSchema, err)
	}
	for _, name := range answerFields {
		if _, ok := fields[name]; !ok {
			return Answer{}, fmt.Errorf("%w: no %q", errWrongSchema, name)
		}
	}
	if len(fields) != len(answerFields) {
		return Answer{}, fmt.Errorf("%w: %d fields, want %d", errWrongSchema, len(fields), len(answerFields))
	}
	var a Answer
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return Answer{}, fmt.Errorf("%w: %v", errWrongSchema, err)
	}
	// null decodes silently into the zero value; the schema has no nulls.
	for _, name := range answerFields {
		if string(bytes.TrimSpace(fields[name])) == "null" {
			return Answer{}, fmt.Errorf("%w: %q is null", errWrongSchema, name)
		}
	}
	if err := a.validate(idx); err != nil {
		return Answer{}, fmt.Errorf("%w: %v", errWrongSchema, err)
	}
	a.Reasons = cleanReasons(a.Reasons)
	return a, nil
}

func (a *Answer) validate(idx *catalogIndex) error {
	switch a.Level {
	case classifier.LevelScam, classifier.LevelSuspicious, classifier.LevelNone:
	default:
		return fmt.Errorf("level %q", a.Level)
	}
	if a.IsScam && a.Level == classifier.LevelNone || !a.IsScam && a.Level == classifier.LevelScam {
		return fmt.Errorf("is_scam %v contradicts level %q", a.IsScam, a.Level)
	}
	if a.Type != "" && !idx.types[a.Type] {
		return fmt.Errorf("type %q is not a catalog slug", a.Type)
	}
	if a.Brand != "" && !idx.brands[a.Brand] {
		return fmt.Errorf("brand %q is not a catalog id", a.Brand)
	}
	if !stages[a.Stage] {
		return fmt.Errorf("stage %q", a.Stage)
	}
	if math.IsNaN(a.Confidence) || a.Confidence < 0 || a.Confidence > 1 {
		return fmt.Errorf("confidence %v is outside 0..1", a.Confidence)
	}
	if len(a.Reasons) > maxReasons {
		return fmt.Errorf("%d reasons, at most %d", len(a.Reasons), maxReasons)
	}
	for _, r := range a.Reasons {
		if utf8.RuneCountInString(r) > maxReasonRunes {
			return fmt.Errorf("a reason of %d characters", utf8.RuneCountInString(r))
		}
	}
	return nil
}

// jsonObjects returns the top-level JSON objects found in s, in order:
// what a model that ignores the JSON mode wraps in prose or code fences.
func jsonObjects(s string) [][]byte {
	var out [][]byte
	for start := 0; start < len(s); {
		open := strings.IndexByte(s[start:], '{')
		if open < 0 {
			break
		}
		open += start
		end := matchingBrace(s, open)
		if end < 0 {
			break
		}
		out = append(out, []byte(s[open:end+1]))
		start = end + 1
	}
	return out
}

// matchingBrace returns the index of the '}' closing the '{' at open,
// skipping strings, or -1.
func matchingBrace(s string, open int) int {
	depth, inString, escaped := 0, false, false
	for i := open; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// cleanReasons makes reasons fit to show: one line each, no control or
// direction-changing characters, numbers redacted and links dropped (the
// model read text written by the other party; it must not relay their
// number or link to the user), empty ones removed.
func cleanReasons(reasons []string) []string {
	var out []string
	for _, r := range reasons {
		r = strings.Map(func(c rune) rune {
			if unicode.IsControl(c) || unicode.Is(unicode.Bidi_Control, c) {
				return ' '
			}
			return c
		}, r)
		r = redact.Personal(scrubLinks(r))
		if r = strings.Join(strings.Fields(r), " "); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// Explanation joins the first reasons into the sentence a reply shows.
func (a Answer) Explanation() string {
	const shown = 2
	reasons := a.Reasons
	if len(reasons) > shown {
		reasons = reasons[:shown]
	}
	var b strings.Builder
	for i, r := range reasons {
		// Chinese sentences end in full-width marks and need no space.
		if last, _ := utf8.DecodeLastRuneInString(b.String()); i > 0 && last < 0x3000 {
			b.WriteByte(' ')
		}
		b.WriteString(r)
	}
	return b.String()
}
