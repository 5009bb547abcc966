package llm

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/internal/ellipsis"
	"github.com/scamguard/scamguard/prompts"
)

// prepared is one review's request before it is sent: the scrubbed
// window and signals (what the cache key hashes) and the per-request
// secrets.
type prepared struct {
	// messages are the window's messages as JSON lines, scrubbed.
	messages []string
	// signals is the heuristic signals as a JSON array (ids, roles, acts,
	// message indexes into messages; never matched text).
	signals  string
	language string
	// canary is echoed by a valid answer; tag marks the data block.
	canary, tag string
}

// wireMessage is one message in the data block.
type wireMessage struct {
	Index int    `json:"i"`
	From  string `json:"from"`
	Text  string `json:"text"`
}

// wireSignal is one heuristic signal as sent.
type wireSignal struct {
	ID      string `json:"id"`
	Role    string `json:"role"`
	Act     string `json:"act"`
	Message int    `json:"message"`
}

// languageNames are the names the prompt uses for reply languages.
var languageNames = map[string]string{
	"zh":      "Simplified Chinese",
	"zh-Hant": "Traditional Chinese",
	"en":      "English",
}

// prepare scrubs and frames the window. Only the last maxMessages
// messages go, each cut to maxRunes; signals of messages outside the sent
// window are dropped, the rest re-indexed.
func prepare(window []classifier.Message, signals []classifier.Hit, lang string, maxMessages, maxRunes int) (prepared, error) {
	first := max(0, len(window)-maxMessages)
	p := prepared{language: languageNames[lang]}
	if p.language == "" {
		p.language = languageNames["en"]
	}
	for i, m := range window[first:] {
		from := string(m.From)
		if m.From != classifier.SpeakerUser {
			from = string(classifier.SpeakerOther)
		}
		line, err := json.Marshal(wireMessage{Index: i, From: from, Text: ellipsis.Cut(scrub(normaliseSpace(m.Text)), maxRunes)})
		if err != nil {
			return prepared{}, fmt.Errorf("encode message %d: %w", i, err)
		}
		p.messages = append(p.messages, string(line))
	}
	wire := []wireSignal{}
	seen := map[wireSignal]bool{}
	for _, h := range signals {
		if h.MessageIndex < first || h.MessageIndex >= len(window) {
			continue
		}
		s := wireSignal{ID: h.Signal, Role: string(h.Role), Act: string(h.Act), Message: h.MessageIndex - first}
		if !seen[s] {
			seen[s] = true
			wire = append(wire, s)
		}
	}
	data, err := json.Marshal(wire)
	if err != nil {
		return prepared{}, fmt.Errorf("encode signals: %w", err)
	}
	p.signals = string(data)
	p.canary, p.tag = "sg-canary-"+randomHex(8), randomHex(6)
	return p, nil
}

// cacheKey is the hash of what the answer depends on: prompt version,
// model, language, the scrubbed and normalised window and the signals.
// Canary and tag are left out: they change every request.
func (p prepared) cacheKey(model string) string {
	h := sha256.New()
	for _, part := range append([]string{prompts.Version, model, p.language, p.signals}, p.messages...) {
		fmt.Fprintf(h, "%d:%s", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// chat renders the system and user messages.
func (p prepared) chat(types []prompts.ScamType, brands []string) (system, user string, err error) {
	begin := "<<<CONVERSATION DATA " + p.tag + ">>>"
	end := "<<<END OF CONVERSATION DATA " + p.tag + ">>>"
	system, err = prompts.SystemMessage(prompts.System{
		Begin: begin, End: end, Canary: p.canary, Language: p.language, Types: types, Brands: brands,
	})
	if err != nil {
		return "", "", err
	}
	user, err = prompts.UserMessage(prompts.User{
		Begin: begin, End: end, Messages: p.messages, Signals: p.signals, Language: p.language, Canary: p.canary,
	})
	return system, user, err
}

// normaliseSpace collapses runs of white space, so that a forwarded copy
// with other line breaks hashes the same.
func normaliseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
