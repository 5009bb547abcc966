package transcript

import (
	"strings"
	"testing"

	"github.com/scamguard/scamguard/classifier"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []classifier.Message
		wantErr string
	}{
		{"plain text lines", "hello\n\nme: who is this?\n我：你好\n  buy cards  \n", []classifier.Message{
			{From: classifier.SpeakerOther, Text: "hello"},
			{From: classifier.SpeakerUser, Text: "who is this?"},
			{From: classifier.SpeakerUser, Text: "你好"},
			{From: classifier.SpeakerOther, Text: "buy cards"},
		}, ""},
		{"json", `{"messages":[{"from":"other","text":"a"},{"from":"user","text":"b"}]}`, []classifier.Message{
			{From: classifier.SpeakerOther, Text: "a"}, {From: classifier.SpeakerUser, Text: "b"},
		}, ""},
		{"byte order mark", "\uFEFFhello", []classifier.Message{{From: classifier.SpeakerOther, Text: "hello"}}, ""},
		{"empty", "", nil, "empty input"},
		{"whitespace only", " \n\t\n", nil, "empty input"},
		{"only prefixes", "me:\n我:", nil, "empty input"},
		{"invalid utf-8", "ab\xff\xfecd", nil, "not UTF-8 text (invalid byte sequence at byte 2)"},
		{"binary", "ab\x00cd", nil, "NUL byte"},
		{"json with wrong type", `{"messages":"hi"}`, nil, "messages must not be a JSON string"},
		{"json with wrong text type", `{"messages":[{"from":"other","text":5}]}`, nil, "must not be a JSON number"},
		{"json with unknown speaker", `{"messages":[{"from":"bot","text":"x"}]}`, nil, `message 0: "from" must be "other" or "user"`},
		{"json truncated", `{"messages":[`, nil, "invalid conversation JSON"},
		{"json without messages", `{"msgs":[]}`, nil, "empty input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv, err := Parse([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(conv.Messages) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", conv.Messages, tt.want)
			}
			for i := range tt.want {
				if conv.Messages[i] != tt.want[i] {
					t.Errorf("message %d = %+v, want %+v", i, conv.Messages[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	many := strings.Repeat("x\n", MaxMessages+1)
	if _, err := Parse([]byte(many)); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("too many messages: error %v", err)
	}
	long := strings.Repeat("a", 10<<20)
	conv, err := Parse([]byte(long))
	if err != nil || len(conv.Messages) != 1 {
		t.Errorf("a 10 MB line: %v", err)
	}
}

func TestParseBatchLine(t *testing.T) {
	id, conv, err := ParseBatchLine([]byte(`{"id":"a-1","label":"scam","messages":[{"from":"other","text":"hi"}]}`))
	if err != nil || string(id) != `"a-1"` || len(conv.Messages) != 1 {
		t.Fatalf("id=%s conv=%+v err=%v", id, conv, err)
	}
	for _, bad := range []string{`{"messages":[{"text":"x"}]}`, `{"id":1,"messages":[]}`, `[1,2]`, `{"id":"x","messages":[{"text":["a"]}]}`} {
		if _, _, err := ParseBatchLine([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{"", "hello", "me: hi\nbuy", `{"messages":[{"from":"user","text":"x"}]}`, `{"messages":[{"from":1}]}`, "\xff\x00", "我：你好"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		conv, err := Parse(data)
		if err != nil {
			if err.Error() == "" || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if len(conv.Messages) == 0 {
			t.Fatalf("no error and no messages for %q", data)
		}
		for _, m := range conv.Messages {
			if m.From != classifier.SpeakerOther && m.From != classifier.SpeakerUser {
				t.Fatalf("speaker %q", m.From)
			}
		}
	})
}
