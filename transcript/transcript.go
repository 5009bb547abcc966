// Package transcript reads conversations from the forms people and other
// tools hand us: a JSON object, plain text (one message per line), and JSON
// Lines batches. Every malformed input gets a one-line error that says where.
package transcript

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/scamguard/scamguard/classifier"
)

// Limits that keep a hostile input bounded.
const (
	// MaxInputBytes is the largest conversation accepted.
	MaxInputBytes = 32 << 20
	// MaxMessages is the most messages one conversation may have.
	MaxMessages = 20000
)

// ErrEmpty is returned for input with no message in it.
var ErrEmpty = errors.New("empty input: no message to check")

// jsonConversation is the JSON form: {"messages":[{"from":"other","text":"..."}]}.
type jsonConversation struct {
	Messages []jsonMessage `json:"messages"`
}

type jsonMessage struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// Parse reads one conversation: a JSON object when the input starts with
// "{", otherwise plain text where every non-empty line is a message from the
// other party, and lines starting with "me:" or "我:" are the user's.
func Parse(data []byte) (classifier.Conversation, error) {
	if len(data) > MaxInputBytes {
		return classifier.Conversation{}, fmt.Errorf("input is %d bytes, more than the %d accepted", len(data), MaxInputBytes)
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\uFEFF")))
	if len(trimmed) == 0 {
		return classifier.Conversation{}, ErrEmpty
	}
	if trimmed[0] == '{' {
		return ParseJSON(trimmed)
	}
	return ParseText(trimmed)
}

// ParseJSON reads the JSON form of a conversation.
func ParseJSON(data []byte) (classifier.Conversation, error) {
	var raw jsonConversation
	if err := json.Unmarshal(data, &raw); err != nil {
		return classifier.Conversation{}, fmt.Errorf("invalid conversation JSON: %s", describeJSONError(err))
	}
	return fromJSON(raw.Messages)
}

func fromJSON(messages []jsonMessage) (classifier.Conversation, error) {
	if len(messages) == 0 {
		return classifier.Conversation{}, ErrEmpty
	}
	if len(messages) > MaxMessages {
		return classifier.Conversation{}, fmt.Errorf("%d messages, more than the %d accepted", len(messages), MaxMessages)
	}
	conv := classifier.Conversation{Messages: make([]classifier.Message, 0, len(messages))}
	for i, m := range messages {
		var from classifier.Speaker
		switch m.From {
		case "other", "":
			from = classifier.SpeakerOther
		case "user":
			from = classifier.SpeakerUser
		default:
			return classifier.Conversation{}, fmt.Errorf("message %d: \"from\" must be \"other\" or \"user\", not %q", i, m.From)
		}
		if !utf8.ValidString(m.Text) {
			return classifier.Conversation{}, fmt.Errorf("message %d: text is not valid UTF-8", i)
		}
		conv.Messages = append(conv.Messages, classifier.Message{From: from, Text: m.Text})
	}
	return conv, nil
}

// userPrefixes mark the protected person's own lines in plain text.
var userPrefixes = []string{"me:", "me：", "我:", "我："}

// ParseText reads plain text, one message per non-empty line.
func ParseText(data []byte) (classifier.Conversation, error) {
	if !utf8.Valid(data) {
		return classifier.Conversation{}, fmt.Errorf("input is not UTF-8 text (invalid byte sequence at byte %d)", invalidAt(data))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return classifier.Conversation{}, fmt.Errorf("input is not text (NUL byte at byte %d)", i)
	}
	var conv classifier.Conversation
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		msg := classifier.Message{From: classifier.SpeakerOther, Text: line}
		lower := strings.ToLower(line)
		for _, prefix := range userPrefixes {
			if strings.HasPrefix(lower, prefix) {
				msg = classifier.Message{From: classifier.SpeakerUser, Text: strings.TrimSpace(line[len(prefix):])}
				break
			}
		}
		if msg.Text == "" {
			continue
		}
		if len(conv.Messages) == MaxMessages {
			return classifier.Conversation{}, fmt.Errorf("more than %d messages", MaxMessages)
		}
		conv.Messages = append(conv.Messages, msg)
	}
	if len(conv.Messages) == 0 {
		return classifier.Conversation{}, ErrEmpty
	}
	return conv, nil
}

// BatchItem is one line of a JSON Lines batch; other fields are ignored.
type BatchItem struct {
	ID       json.RawMessage `json:"id"`
	Messages []jsonMessage   `json:"messages"`
}

// ParseBatchLine reads one line of a batch into its id (as raw JSON, echoed
// back verbatim) and conversation.
func ParseBatchLine(line []byte) (json.RawMessage, classifier.Conversation, error) {
	var item BatchItem
	if err := json.Unmarshal(line, &item); err != nil {
		return nil, classifier.Conversation{}, fmt.Errorf("invalid JSON: %s", describeJSONError(err))
	}
	if len(item.ID) == 0 || string(item.ID) == "null" {
		return nil, classifier.Conversation{}, errors.New("missing \"id\"")
	}
	conv, err := fromJSON(item.Messages)
	return item.ID, conv, err
}

// describeJSONError turns encoding/json errors into a short sentence.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "the document"
		}
		return fmt.Sprintf("%s must not be a JSON %s", field, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("%s at byte %d", syntaxErr.Error(), syntaxErr.Offset)
	}
	return err.Error()
}

func invalidAt(data []byte) int {
	for i := 0; i < len(data); {
		r, w := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && w == 1 {
			return i
		}
		i += w
	}
	return len(data)
}
