package prompts

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"text/template"
)

// Version names the prompt files as they are. It is part of the LLM answer
// cache key, so an edited prompt never reuses answers to the old one.
const Version = "v1"

//go:embed system.tmpl
var systemText string

//go:embed user.tmpl
var userText string

//go:embed answer.schema.json
var answerSchema []byte

// The templates are parsed once; a broken template is a build-time bug that
// the package test catches.
var (
	systemTemplate = template.Must(template.New("system").Option("missingkey=error").Parse(systemText))
	userTemplate   = template.Must(template.New("user").Option("missingkey=error").Parse(userText))
)

// ScamType is one scam type the model may name.
type ScamType struct {
	Slug string
	Name string
}

// System is what the system message is built from.
type System struct {
	// Begin and End are the lines that open and close the data block;
	// they carry a per-request random tag so that data cannot forge them.
	Begin, End string
	// Canary is the per-request token the answer must echo.
	Canary string
	// Language is the name of the language the reasons are written in
	// ("Simplified Chinese", "English").
	Language string
	// Types and Brands are the catalog's scam types and brand ids.
	Types  []ScamType
	Brands []string
}

// User is what the user message is built from: the data block and the
// reminder after it.
type User struct {
	Begin, End string
	// Messages are the conversation's messages, one JSON object each
	// (already escaped, so a message cannot break out of its line).
	Messages []string
	// Signals is the rule engine's findings as one JSON array.
	Signals  string
	Language string
	Canary   string
}

// SystemMessage renders the system message.
func SystemMessage(s System) (string, error) {
	var b bytes.Buffer
	if err := systemTemplate.Execute(&b, s); err != nil {
		return "", fmt.Errorf("render system prompt %s: %w", Version, err)
	}
	return b.String(), nil
}

// UserMessage renders the user message.
func UserMessage(u User) (string, error) {
	var b bytes.Buffer
	if err := userTemplate.Execute(&b, u); err != nil {
		return "", fmt.Errorf("render user prompt %s: %w", Version, err)
	}
	return b.String(), nil
}

// AnswerSchema returns the JSON schema of the answer (for the json_schema
// response format), a copy.
func AnswerSchema() json.RawMessage {
	return append(json.RawMessage(nil), answerSchema...)
}

// Digest is the SHA-256 of the prompt files, in a fixed order; the test
// pins it to Version.
func Digest() string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(systemText), []byte(userText), answerSchema} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}
