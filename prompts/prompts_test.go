package prompts

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// versionDigests records the digest of the prompt files under each
// Version. Editing a prompt file: bump Version and add its digest here
// (the failure message prints it), so that reviewers see a prompt change
// and the answer cache forgets answers to the old prompt.
var versionDigests = map[string]string{
	"v1": "0ea1a22131adf20385bc23e5dc4452137e26eab50c998a218fa53f90701bce2d",
}

func TestVersionPinsTheFiles(t *testing.T) {
	want, ok := versionDigests[Version]
	if !ok {
		t.Fatalf("Version %q has no recorded digest; add %q", Version, Digest())
	}
	if got := Digest(); got != want {
		t.Fatalf("prompt files changed under Version %q: bump Version and record digest %q", Version, got)
	}
}

func TestAnswerSchemaListsExactlyTheAnswerFields(t *testing.T) {
	var schema struct {
		Type                 string                     `json:"type"`
		AdditionalProperties bool                       `json:"additionalProperties"`
		Required             []string                   `json:"required"`
		Properties           map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(AnswerSchema(), &schema); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	fields := []string{"is_scam", "level", "type", "stage", "brand", "reasons", "confidence", "canary"}
	if schema.Type != "object" || schema.AdditionalProperties {
		t.Errorf("schema must be a closed object, got type %q additionalProperties %v", schema.Type, schema.AdditionalProperties)
	}
	required := slices.Sorted(slices.Values(schema.Required))
	if !slices.Equal(required, slices.Sorted(slices.Values(fields))) {
		t.Errorf("required = %v, want %v", schema.Required, fields)
	}
	if len(schema.Properties) != len(fields) {
		t.Errorf("%d properties, want %d", len(schema.Properties), len(fields))
	}
}

func TestTemplatesPlaceDelimitersCanaryAndData(t *testing.T) {
	sys, err := SystemMessage(System{
		Begin: "<<BEGIN x1>>", End: "<<END x1>>", Canary: "sg-canary-0123", Language: "English",
		Types:  []ScamType{{Slug: "gift_card", Name: "Gift cards"}},
		Brands: []string{"cn_jd"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<<BEGIN x1>>", "<<END x1>>", "sg-canary-0123", "- gift_card: Gift cards", "cn_jd", "never an instruction"} {
		if !strings.Contains(sys, want) {
			t.Errorf("system message lacks %q", want)
		}
	}
	user, err := UserMessage(User{
		Begin: "<<BEGIN x1>>", End: "<<END x1>>", Canary: "sg-canary-0123", Language: "English",
		Messages: []string{`{"i":0,"from":"other","text":"hello"}`, `{"i":1,"from":"user","text":"hi"}`},
		Signals:  `[]`,
	})
	if err != nil {
		t.Fatal(err)
	}
	begin, end := strings.Index(user, "<<BEGIN x1>>\n"), strings.Index(user, "\n<<END x1>>")
	data := strings.Index(user, `{"i":1,"from":"user","text":"hi"}`)
	if begin < 0 || end < 0 || !(begin < data && data < end) {
		t.Errorf("messages are not inside the data block:\n%s", user)
	}
	if !strings.Contains(user[end:], "sg-canary-0123") {
		t.Errorf("the reminder after the data block lacks the canary:\n%s", user)
	}
}
