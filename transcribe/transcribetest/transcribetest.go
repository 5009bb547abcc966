// Package transcribetest is a fake OpenAI-compatible transcription server
// on loopback: it speaks /v1/audio/transcriptions over multipart form data
// as the OpenAI API documents it, and answers each audio file with the
// text scripted for its bytes.
package transcribetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Request is one transcription request the server received.
type Request struct {
	Model, Filename, Format, Auth string
	Audio                         []byte
}

// Server is the fake endpoint.
type Server struct {
	http     *httptest.Server
	mu       sync.Mutex
	scripts  map[string]string
	requests []Request
	status   int
}

// New starts a server, stopped when the test ends.
func New(t testing.TB) *Server {
	s := &Server{scripts: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/audio/transcriptions", s.transcribe)
	s.http = httptest.NewServer(mux)
	t.Cleanup(s.http.Close)
	return s
}

// URL is the API root to configure ("http://127.0.0.1:port/v1").
func (s *Server) URL() string { return s.http.URL + "/v1" }

// Script makes audio (by its bytes) transcribe as text.
func (s *Server) Script(audio []byte, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts[string(audio)] = text
}

// FailWith makes every later request answer status (0: succeed again).
func (s *Server) FailWith(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

// Requests returns what the server received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) transcribe(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		http.Error(w, `{"error":{"message":"expected multipart/form-data"}}`, http.StatusBadRequest)
		return
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		http.Error(w, `{"error":{"message":"file is required"}}`, http.StatusBadRequest)
		return
	}
	defer file.Close()
	audio, err := io.ReadAll(file)
	if err != nil {
		http.Error(w, `{"error":{"message":"read file"}}`, http.StatusBadRequest)
		return
	}
	model := r.FormValue("model")
	if model == "" {
		http.Error(w, `{"error":{"message":"model is required"}}`, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Model: model, Filename: header.Filename, Format: r.FormValue("response_format"), Auth: r.Header.Get("Authorization"), Audio: audio})
	status, text := s.status, s.scripts[string(audio)]
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if status != 0 {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"message": "scripted failure", "type": "server_error"}})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"text": text})
}
