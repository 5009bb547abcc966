// Package telegramtest is a fake Telegram Bot API server for end-to-end tests.
//
// It speaks the wire format of https://core.telegram.org/bots/api closely
// enough that the real github.com/go-telegram/bot client can be pointed at it
// with bot.WithServerURL(srv.URL()): it serves queued updates through
// getUpdates (with offsets and long polling), answers the methods our bot uses
// with realistic results, validates what Telegram validates (HTML markup,
// lengths, callback data) with Telegram's own error texts, records every call,
// and can be scripted to fail. The package also builds realistic updates
// (Text, Forwarded, Callback, ...) for getUpdates or for a webhook handler.
//
// The fake is a wire-level stand-in, not a mock of our own interfaces: what a
// test asserts is what Telegram would have been sent.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// token is the only token the fake accepts. It has the shape of a real one
// (bot id, colon, 35 characters) because clients such as go-telegram/bot read
// the bot id from it.
const token = "7000000001:AAHscamguardFakeTokenForTestsOnly1"

// botUser is the bot the token belongs to. It is fixed, not per server, so
// that the package-level builders (Callback, MyChatMember) can name it.
var botUser = models.User{
	ID:            7000000001,
	IsBot:         true,
	FirstName:     "ScamGuard Test",
	Username:      "scamguard_test_bot",
	CanJoinGroups: true,
}

// Call is one recorded request to the fake, successful or not.
type Call struct {
	// Method is the Bot API method as documented ("sendMessage"), whatever
	// case the client used; unknown methods keep the client's spelling.
	Method string
	// Params holds every parameter from the query string and the body
	// (multipart, urlencoded or JSON) as a string. Object parameters such as
	// reply_markup keep their raw JSON text; numbers and booleans their
	// literal text ("42", "true").
	Params map[string]string
	// At is when the request arrived.
	At time.Time
	// Code is the HTTP status answered: 200, or the error_code of a failure.
	Code int
	// Failed is true when the answer was {"ok":false,...}.
	Failed bool
	// Error is the description of a failure, empty on success.
	Error string
	// Result is the JSON "result" answered on success, such as the Message a
	// sendMessage produced (a test reads the bot's message_id from it).
	Result json.RawMessage
}

// Server is a running fake Bot API. All methods are safe for concurrent use.
type Server struct {
	t    testing.TB
	http *httptest.Server
	// closing ends long polls at once when the test ends, so that shutting
	// the HTTP server down never waits for them.
	closing chan struct{}
	// longPollCap is defaultLongPollCap; tests of the fake itself raise it
	// to prove that an update, not the cap, ends a poll.
	longPollCap time.Duration

	mu sync.Mutex
	// changed is closed and replaced on every change of state, waking long
	// polls and WaitCalls to look again.
	changed chan struct{}

	calls    []Call
	failures map[string][]scriptedFailure // by lower-case method name

	updates        []queuedUpdate
	lastUpdateID   int64
	pollGeneration int64    // which getUpdates request is the current one
	allowedUpdates []string // nil until a client sends allowed_updates
	webhook        webhook

	chats             map[int64]models.Chat // chats seen in pushed updates
	users             map[int64]models.User // users seen in pushed updates
	migratedTo        map[int64]int64       // group id -> supergroup id
	messages          map[messageKey]*storedMessage
	deletedMessages   map[messageKey]bool
	members           map[memberKey]string // chat member status
	answeredCallbacks map[string]bool
	files             map[string][]byte // by file_id, see AddFile
	menus             map[MenuScope][]models.BotCommand
}

type scriptedFailure struct {
	code       int
	retryAfter int
}

type webhook struct {
	url            string
	secretToken    string
	maxConnections int
}

// New starts a fake Bot API on 127.0.0.1 and stops it when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:                 t,
		closing:           make(chan struct{}),
		longPollCap:       defaultLongPollCap,
		changed:           make(chan struct{}),
		failures:          map[string][]scriptedFailure{},
		chats:             map[int64]models.Chat{},
		users:             map[int64]models.User{},
		migratedTo:        map[int64]int64{},
		messages:          map[messageKey]*storedMessage{},
		deletedMessages:   map[messageKey]bool{},
		members:           map[memberKey]string{},
		answeredCallbacks: map[string]bool{},
		menus:             map[MenuScope][]models.BotCommand{},
		files:             map[string][]byte{},
	}
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(func() {
		close(s.closing)
		s.http.Close()
	})
	return s
}

// URL is the base URL to give bot.WithServerURL.
func (s *Server) URL() string { return s.http.URL }

// Token is the only bot token the fake accepts; requests with any other get
// 401 Unauthorized, as Telegram answers them.
func (s *Server) Token() string { return token }

// BotUser is the bot the token belongs to, as getMe returns it.
func (s *Server) BotUser() models.User { return botUser }

// Calls returns the recorded calls of method (matched case-insensitively, as
// Telegram matches method names), oldest first; method "" returns all calls.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsLocked(method)
}

func (s *Server) callsLocked(method string) []Call {
	var matching []Call
	for _, call := range s.calls {
		if method == "" || strings.EqualFold(call.Method, method) {
			matching = append(matching, call)
		}
	}
	return matching
}

// WaitCalls waits until at least n calls of method have been recorded and
// returns them all. It fails the test if that takes longer than timeout, so
// call it from the test's goroutine.
func (s *Server) WaitCalls(t testing.TB, method string, n int, timeout time.Duration) []Call {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		calls := s.callsLocked(method)
		changed := s.changed
		s.mu.Unlock()
		if len(calls) >= n {
			return calls
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("telegramtest: waited %v for %d %s call(s), got %d; all calls so far:\n%s",
				timeout, n, method, len(calls), describeCalls(s.Calls("")))
			return nil
		}
	}
}

// describeCalls lists calls one a line, so that a timed-out wait shows what
// the bot did instead. Successful polls are only counted: a waiting bot
// makes one a second and they would bury the rest.
func describeCalls(calls []Call) string {
	var b strings.Builder
	polls := 0
	for _, call := range calls {
		if call.Method == "getUpdates" && !call.Failed {
			polls++
			continue
		}
		fmt.Fprintf(&b, "  %s %s %d", call.At.Format("15:04:05.000"), call.Method, call.Code)
		if call.Failed {
			fmt.Fprintf(&b, " %q", call.Error)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "  and %d successful getUpdates\n", polls)
	return b.String()
}

// Fail makes the next times calls of method fail with code. 429 answers carry
// parameters.retry_after = retryAfter seconds, which go-telegram/bot turns into
// a *bot.TooManyRequestsError; other codes get Telegram's usual description
// (403 "Forbidden: bot was blocked by the user", 500 "Internal Server Error",
// ...). Scripted failures are used up before anything else is checked, they
// queue up behind each other, and times < 1 scripts nothing.
func (s *Server) Fail(method string, code int, retryAfter int, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	for range times {
		s.failures[key] = append(s.failures[key], scriptedFailure{code: code, retryAfter: retryAfter})
	}
}

// broadcastLocked wakes everyone waiting for a change; s.mu must be held.
func (s *Server) broadcastLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// reply is the answer to one method call.
type reply struct {
	code        int // 200 or the error_code
	result      any
	description string // the error, or the note Telegram adds to some successes
	retryAfter  int
	migrateTo   int64
}

func ok(result any) reply { return reply{code: http.StatusOK, result: result} }

func failure(code int, description string) reply {
	return reply{code: code, description: description}
}

func badRequest(description string) reply {
	return failure(http.StatusBadRequest, "Bad Request: "+description)
}

// scriptedReply is what a scripted failure answers.
func scriptedReply(f scriptedFailure) reply {
	switch f.code {
	case http.StatusTooManyRequests:
		return reply{code: f.code, description: fmt.Sprintf("Too Many Requests: retry after %d", f.retryAfter), retryAfter: f.retryAfter}
	case http.StatusBadRequest:
		return failure(f.code, "Bad Request")
	case http.StatusForbidden:
		return failure(f.code, "Forbidden: bot was blocked by the user")
	case http.StatusConflict:
		return failure(f.code, conflictOtherPoller)
	}
	return failure(f.code, http.StatusText(f.code))
}

// apiResponse is the envelope of every Bot API answer.
type apiResponse struct {
	OK          bool                `json:"ok"`
	Result      any                 `json:"result,omitempty"`
	ErrorCode   int                 `json:"error_code,omitempty"`
	Description string              `json:"description,omitempty"`
	Parameters  *responseParameters `json:"parameters,omitempty"`
}

// responseParameters tells a client how it can retry a failed call.
type responseParameters struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

// serveHTTP answers /bot<token>/<method>, the only URL shape of the Bot API.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	if strings.HasPrefix(r.URL.Path, "/file/bot") {
		s.serveFile(w, r)
		return
	}
	requestToken, methodName, found := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !strings.HasPrefix(r.URL.Path, "/bot") || !found {
		writeReply(w, failure(http.StatusNotFound, "Not Found"))
		return
	}

	params, err := decodeParams(r)
	var answer reply
	handler, known := methods[strings.ToLower(methodName)]
	if known {
		methodName = handler.name
	}
	switch {
	case requestToken != token:
		answer = failure(http.StatusUnauthorized, "Unauthorized")
	case !known:
		answer = failure(http.StatusNotFound, "Not Found")
	case err != nil:
		answer = badRequest(err.Error())
	default:
		answer = s.call(r.Context(), handler, params)
	}

	result := writeReply(w, answer)
	s.mu.Lock()
	defer s.mu.Unlock()
	call := Call{Method: methodName, Params: params, At: arrived, Code: answer.code}
	if answer.code == http.StatusOK {
		call.Result = result
	} else {
		call.Failed, call.Error = true, answer.description
	}
	s.calls = append(s.calls, call)
	s.broadcastLocked()
}

// call runs a method unless a scripted failure is due.
func (s *Server) call(ctx context.Context, handler method, params params) reply {
	s.mu.Lock()
	key := strings.ToLower(handler.name)
	if pending := s.failures[key]; len(pending) > 0 {
		s.failures[key] = pending[1:]
		s.mu.Unlock()
		return scriptedReply(pending[0])
	}
	s.mu.Unlock()
	return handler.serve(s, ctx, params)
}

// writeReply writes the JSON envelope with the matching HTTP status and
// returns the encoded result.
func writeReply(w http.ResponseWriter, answer reply) json.RawMessage {
	envelope := apiResponse{OK: answer.code == http.StatusOK}
	var result json.RawMessage
	if envelope.OK {
		encoded, err := json.Marshal(answer.result)
		if err != nil {
			panic(fmt.Sprintf("telegramtest: encode result %T: %v", answer.result, err)) // a bug in this package
		}
		result = encoded
		envelope.Result = result
		envelope.Description = answer.description
	} else {
		envelope.ErrorCode = answer.code
		envelope.Description = answer.description
		if answer.retryAfter != 0 || answer.migrateTo != 0 {
			envelope.Parameters = &responseParameters{RetryAfter: answer.retryAfter, MigrateToChatID: answer.migrateTo}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(answer.code)
	_ = json.NewEncoder(w).Encode(envelope) // the client may be gone; nothing to do then
	return result
}

// decodeParams reads the parameters of a call from the query string and from
// the body in any of the three encodings the Bot API accepts. Body values win
// over query values.
func decodeParams(r *http.Request) (params, error) {
	decoded := params{}
	for name, values := range r.URL.Query() {
		decoded[name] = values[0]
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		// go-telegram/bot sends methods without parameters (getMe,
		// getWebhookInfo) as multipart with an empty body, not even a
		// closing boundary; Telegram takes that as no parameters.
		err := r.ParseMultipartForm(32 << 20)
		if errors.Is(err, io.EOF) {
			return decoded, nil
		}
		if err != nil {
			return decoded, fmt.Errorf("can't parse multipart form: %v", err)
		}
		for name, values := range r.MultipartForm.Value {
			decoded[name] = values[0]
		}
		// An uploaded file (sendDocument) is kept as its content, and its
		// name under "<name>.filename", so a test can read what was sent.
		for name, files := range r.MultipartForm.File {
			file, err := files[0].Open()
			if err != nil {
				return decoded, fmt.Errorf("can't read uploaded file %s: %v", name, err)
			}
			content, err := io.ReadAll(file)
			file.Close()
			if err != nil {
				return decoded, fmt.Errorf("can't read uploaded file %s: %v", name, err)
			}
			decoded[name], decoded[name+".filename"] = string(content), files[0].Filename
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return decoded, fmt.Errorf("can't parse form: %v", err)
		}
		for name, values := range r.PostForm {
			decoded[name] = values[0]
		}
	case "application/json":
		var fields map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
			return decoded, fmt.Errorf("can't parse JSON object: %v", err)
		}
		for name, raw := range fields {
			var text string
			switch {
			case string(raw) == "null":
				continue
			case json.Unmarshal(raw, &text) == nil:
				decoded[name] = text
			default:
				decoded[name] = string(raw)
			}
		}
	}
	return decoded, nil
}
