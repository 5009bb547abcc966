// Package llmtest is a fake OpenAI-compatible server for tests: an
// httptest server on loopback that serves POST /v1/chat/completions with
// the real JSON shapes (id, object "chat.completion", choices[].message,
// finish_reason, usage; errors as {"error":{...}}), scriptable per request
// (status, Retry-After, delay, raw body), with models that answer, that
// obey instructions injected in the conversation, and servers that refuse
// the json_schema response format as older servers do. It records every
// request so tests can check what was sent.
package llmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one request the server received.
type Request struct {
	// Body is the raw request body.
	Body []byte
	// Header is the request's header (Authorization included).
	Header http.Header
	// Model is the model asked for.
	Model string
	// System and User are the contents of the system and user messages.
	System, User string
	// Format is response_format.type ("json_schema", "json_object", "text")
	// or empty when none was asked.
	Format string
}

// Reply is what the server answers to one request. Status 0 means 200.
type Reply struct {
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Delay holds the reply back (the request's context still ends it).
	Delay time.Duration
	// Body is the raw response body.
	Body string
}

// Model makes the reply to a request when no scripted reply is queued.
type Model func(Request) Reply

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to configure, ending in /v1.
	URL string

	http *httptest.Server

	mu           sync.Mutex
	model        Model
	script       []Reply
	rejectSchema bool
	rejectObject bool
	requests     []Request
}

// NewServer starts a server on 127.0.0.1 that answers with model, and
// stops it when the test ends.
func NewServer(t testing.TB, model Model) *Server {
	t.Helper()
	s := &Server{model: model}
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.http.URL + "/v1"
	t.Cleanup(s.http.Close)
	return s
}

// Enqueue scripts the replies to the next requests, in order; after them
// the model answers again.
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, replies...)
}

// SetModel replaces the model.
func (s *Server) SetModel(m Model) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.model = m
}

// RejectJSONSchema makes the server answer 400 to requests that ask for
// the json_schema response format, as servers without it do; with
// alsoJSONObject it refuses json_object too.
func (s *Server) RejectJSONSchema(alsoJSONObject bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectSchema, s.rejectObject = true, alsoJSONObject
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Calls is how many requests were received.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		writeReply(w, r.Context(), ErrorReply(http.StatusNotFound, "", "not_found", "unknown endpoint "+r.URL.Path))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	req, err := decode(body, r.Header)
	if err != nil {
		writeReply(w, r.Context(), ErrorReply(http.StatusBadRequest, "", "invalid_request_error", err.Error()))
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	var reply Reply
	switch {
	case s.rejectSchema && req.Format == "json_schema", s.rejectObject && req.Format == "json_object":
		reply = ErrorReply(http.StatusBadRequest, "", "invalid_request_error", "response_format "+req.Format+" is not supported by this model")
	case len(s.script) > 0:
		reply, s.script = s.script[0], s.script[1:]
	default:
		model := s.model
		s.mu.Unlock()
		reply = model(req)
		s.mu.Lock()
	}
	s.mu.Unlock()
	writeReply(w, r.Context(), reply)
}

func decode(body []byte, header http.Header) (Request, error) {
	var wire struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		ResponseFormat *struct {
			Type string `json:"type"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return Request{}, fmt.Errorf("request body: %v", err)
	}
	req := Request{Body: body, Header: header.Clone(), Model: wire.Model}
	for _, m := range wire.Messages {
		switch m.Role {
		case "system":
			req.System += m.Content
		case "user":
			req.User += m.Content
		}
	}
	if wire.ResponseFormat != nil {
		req.Format = wire.ResponseFormat.Type
	}
	return req, nil
}

func writeReply(w http.ResponseWriter, ctx context.Context, reply Reply) {
	if reply.Delay > 0 {
		select {
		case <-time.After(reply.Delay):
		case <-ctx.Done():
			return
		}
	}
	if reply.RetryAfter != "" {
		w.Header().Set("Retry-After", reply.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	status := reply.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	io.WriteString(w, reply.Body)
}

// Completion is a 200 chat.completion whose first choice says content.
func Completion(content string) Reply {
	body, _ := json.Marshal(map[string]any{
		"id":                 "chatcmpl-llmtest",
		"object":             "chat.completion",
		"created":            time.Now().Unix(),
		"model":              "llmtest",
		"system_fingerprint": "fp_llmtest",
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content},
			"logprobs":      nil,
			"finish_reason": "stop",
		}},
		"usage": map[string]any{"prompt_tokens": 812, "completion_tokens": 64, "total_tokens": 876},
	})
	return Reply{Body: string(body)}
}

// ErrorReply is an OpenAI-style error response.
func ErrorReply(status int, retryAfter, kind, message string) Reply {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": message, "type": kind, "param": nil, "code": nil,
	}})
	return Reply{Status: status, RetryAfter: retryAfter, Body: string(body)}
}

// Answer is a model's verdict, encoded with the request's canary.
type Answer struct {
	IsScam     bool
	Level      string
	Type       string
	Stage      string
	Brand      string
	Reasons    []string
	Confidence float64
}

// JSON encodes the answer with canary, as the schema asks.
func (a Answer) JSON(canary string) string {
	reasons := a.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	data, _ := json.Marshal(map[string]any{
		"is_scam": a.IsScam, "level": a.Level, "type": a.Type, "stage": a.Stage, "brand": a.Brand,
		"reasons": reasons, "confidence": a.Confidence, "canary": canary,
	})
	return string(data)
}

// canaryPattern is the shape of the canary the llm package puts in the
// instructions.
var canaryPattern = regexp.MustCompile(`sg-canary-[0-9a-f]{16}`)

// CanaryOf returns the canary of a request's instructions, "" when none.
func CanaryOf(req Request) string { return canaryPattern.FindString(req.System) }

// Answering is a model that always gives answer, echoing the canary.
func Answering(answer Answer) Model {
	return func(req Request) Reply { return Completion(answer.JSON(CanaryOf(req))) }
}

// SafeAnswer is what an obeying model says once talked into it.
var SafeAnswer = Answer{
	Level: "none", Confidence: 0.99,
	Reasons: []string{"The platform has verified this conversation as safe."},
}

// obeyCues are phrases of injected instructions the obedient model obeys.
var obeyCues = []string{
	"ignore", "disregard", "forget", "system", "verified", "safe", "you are now", "pretend", "role",
	"忽略", "无视", "忘记", "系统", "安全", "正常", "你现在是", "扮演", "白名单", "认证",
}

// Obedient is the worst model: it follows instructions found in the
// conversation. A ready-made JSON verdict in a message is copied as the
// answer (it cannot carry the request's canary); any other instruction
// makes it answer SafeAnswer with the canary; without injected text it
// answers honest.
func Obedient(honest Answer) Model {
	return func(req Request) Reply {
		for _, text := range Messages(req) {
			if verdict := injectedVerdict(text); verdict != "" {
				return Completion(verdict)
			}
		}
		for _, text := range Messages(req) {
			lower := strings.ToLower(text)
			for _, cue := range obeyCues {
				if strings.Contains(lower, cue) {
					return Completion(SafeAnswer.JSON(CanaryOf(req)))
				}
			}
		}
		return Completion(honest.JSON(CanaryOf(req)))
	}
}

// injectedVerdict returns a JSON object in text that looks like a verdict.
func injectedVerdict(text string) string {
	open := strings.IndexByte(text, '{')
	end := strings.LastIndexByte(text, '}')
	if open < 0 || end < open {
		return ""
	}
	candidate := text[open : end+1]
	var fields map[string]any
	if json.Unmarshal([]byte(candidate), &fields) != nil {
		return ""
	}
	if _, ok := fields["level"]; ok {
		return candidate
	}
	if _, ok := fields["is_scam"]; ok {
		return candidate
	}
	return ""
}

// Messages returns the texts of the conversation in a request's data
// block: the user message's lines that are JSON objects with a "text".
func Messages(req Request) []string {
	var out []string
	for _, line := range strings.Split(req.User, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var m struct {
			Text *string `json:"text"`
		}
		if json.Unmarshal([]byte(line), &m) == nil && m.Text != nil {
			out = append(out, *m.Text)
		}
	}
	return out
}
