package llm

import (
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/llm/llmtest"
	"github.com/scamguard/scamguard/reply"
)

func TestFixturesHaveTheirHeuristicVerdicts(t *testing.T) {
	cfg := DefaultConfig()
	for _, tt := range []struct {
		name, text string
		grey, hard bool
	}{
		{"greyBank", greyBank, true, false},
		{"greyCourier", greyCourier, true, false},
		{"hardStopRefund", hardStopRefund, false, true},
		{"benign", benign, false, false},
	} {
		v := request(t, tt.text).Verdict
		if gated, _ := cfg.Gate(v); gated != tt.grey || v.HardStop != tt.hard {
			t.Errorf("%s: score %.3f level %s hard stop %v; want grey %v hard stop %v", tt.name, v.Score, v.Level, v.HardStop, tt.grey, tt.hard)
		}
	}
}

func TestGreyZoneIsOneCallThatRaisesAndExplains(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	j := newJudge(t, srv.URL, nil)
	req := request(t, greyBank)
	res := j.Review(t.Context(), req)

	if res.Outcome != OutcomeAnswered || !res.Called || res.Failed {
		t.Fatalf("outcome %s (%s), called %v", res.Outcome, res.Reason, res.Called)
	}
	if srv.Calls() != 1 {
		t.Errorf("%d calls, want 1", srv.Calls())
	}
	if req.Verdict.Level != classifier.LevelSuspicious || res.Verdict.Level != classifier.LevelScam {
		t.Errorf("level %s → %s, want suspicious → scam", req.Verdict.Level, res.Verdict.Level)
	}
	if !slices.Equal(res.Verdict.Engines, []string{"heuristic", "llm"}) {
		t.Errorf("engines %v", res.Verdict.Engines)
	}
	if !strings.Contains(res.Verdict.Explanation, "confirm your details") {
		t.Errorf("explanation %q", res.Verdict.Explanation)
	}
	cat, _ := engines(t)
	replies, err := reply.New(cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{replies.Render(res.Verdict, reply.Options{}).Text, replies.RenderHTML(res.Verdict, reply.Options{}).Text} {
		if !strings.Contains(out, "A bank never asks you to confirm your details") {
			t.Errorf("reply lacks the explanation:\n%s", out)
		}
	}
	if s := j.Stats(); s.Calls != 1 || s.Answered != 1 || s.Raised != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestClearCasesAreNotSent(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	j := newJudge(t, srv.URL, nil)
	for _, text := range []string{benign, hardStopRefund, "您好", "Your parcel was delivered today at 3pm. Have a nice day!"} {
		req := request(t, text)
		res := j.Review(t.Context(), req)
		if res.Outcome != OutcomeSkipped || res.Called {
			t.Errorf("%q: outcome %s (%s)", text, res.Outcome, res.Reason)
		}
		if res.Verdict.Level != req.Verdict.Level || len(res.Verdict.Engines) != 1 {
			t.Errorf("%q: verdict changed without a call: %+v", text, res.Verdict)
		}
	}
	if srv.Calls() != 0 {
		t.Errorf("%d calls for clear cases", srv.Calls())
	}
}

func TestFlaggedWithoutTypeIsSentAndTyped(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(llmtest.Answer{IsScam: true, Level: "suspicious", Type: "gift_card_payment", Reasons: []string{"x"}, Confidence: 0.7}))
	j := newJudge(t, srv.URL, nil)
	req := request(t, greyBank)
	req.Verdict.Type, req.Verdict.Score = "", 0.95 // above the grey zone, but untyped
	res := j.Review(t.Context(), req)
	if res.Outcome != OutcomeAnswered || res.Verdict.Type != "gift_card_payment" {
		t.Errorf("outcome %s type %q", res.Outcome, res.Verdict.Type)
	}
}

func TestSameTextTwiceIsOneCall(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	j := newJudge(t, srv.URL, nil)
	first := j.Review(t.Context(), request(t, greyBank))
	// The same text forwarded again, with other line breaks and spaces.
	second := j.Review(t.Context(), request(t, strings.ReplaceAll(greyBank, ". ", ".   ")))
	if first.Outcome != OutcomeAnswered || second.Outcome != OutcomeCached || !second.Cached || second.Called {
		t.Fatalf("outcomes %s, %s", first.Outcome, second.Outcome)
	}
	if srv.Calls() != 1 {
		t.Errorf("%d calls, want 1", srv.Calls())
	}
	if second.Verdict.Level != classifier.LevelScam || second.Verdict.Explanation == "" {
		t.Errorf("cached answer not applied: %+v", second.Verdict)
	}
}

func TestDebounceReusesTheAnswerWhileEvidenceIsUnchanged(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	j := newJudge(t, srv.URL, func(c *Config) { c.Debounce = time.Hour })
	req := request(t, greyBank)
	req.Conversation = "chat-1"
	if res := j.Review(t.Context(), req); res.Outcome != OutcomeAnswered {
		t.Fatalf("first: %s", res.Outcome)
	}
	// One more message that adds no evidence.
	_, rules := engines(t)
	req.Window = append(req.Window, classifier.Message{From: classifier.SpeakerUser, Text: "ok"})
	req.Verdict = rules.Classify(t.Context(), classifier.Conversation{Messages: req.Window})
	res := j.Review(t.Context(), req)
	if res.Outcome != OutcomeDebounced || res.Called || res.Verdict.Level != classifier.LevelScam {
		t.Errorf("second: outcome %s level %s", res.Outcome, res.Verdict.Level)
	}
	// New evidence within the debounce interval: no call, heuristic verdict.
	other := request(t, greyCourier)
	other.Conversation = "chat-1"
	if res := j.Review(t.Context(), other); res.Outcome != OutcomeDebounced || res.Verdict.Level != other.Verdict.Level {
		t.Errorf("third: outcome %s level %s", res.Outcome, res.Verdict.Level)
	}
	if srv.Calls() != 1 {
		t.Errorf("%d calls, want 1", srv.Calls())
	}
}

// closedURL is the base URL of a port nobody listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1"
}

func TestFailuresLeaveTheHeuristicVerdict(t *testing.T) {
	valid := func(canary string) string { return scamAnswer.JSON(canary) }
	tests := []struct {
		name       string
		replies    []llmtest.Reply
		model      llmtest.Model
		closed     bool
		wantReason string
		wantCalls  int
	}{
		{name: "malformed JSON", replies: []llmtest.Reply{llmtest.Completion(`{"is_scam": true, "level": "scam", `)}, wantReason: ReasonInvalid, wantCalls: 1},
		{name: "prose without JSON", replies: []llmtest.Reply{llmtest.Completion("This is definitely a scam.")}, wantReason: ReasonInvalid, wantCalls: 1},
		{name: "empty content", replies: []llmtest.Reply{llmtest.Completion("")}, wantReason: ReasonEmpty, wantCalls: 1},
		{name: "malformed body", replies: []llmtest.Reply{{Body: `{"id":"x","choices":[`}}, wantReason: ReasonNetwork, wantCalls: 1},
		{name: "extra field", model: func(r llmtest.Request) llmtest.Reply {
			return llmtest.Completion(strings.Replace(valid(llmtest.CanaryOf(r)), "{", `{"verdict":"scam",`, 1))
		}, wantReason: ReasonInvalid, wantCalls: 1},
		{name: "missing field", model: func(r llmtest.Request) llmtest.Reply {
			return llmtest.Completion(strings.Replace(valid(llmtest.CanaryOf(r)), `"stage":"credibility",`, "", 1))
		}, wantReason: ReasonInvalid, wantCalls: 1},
		{name: "unknown level", model: func(r llmtest.Request) llmtest.Reply {
			return llmtest.Completion(strings.Replace(valid(llmtest.CanaryOf(r)), `"level":"scam"`, `"level":"maybe"`, 1))
		}, wantReason: ReasonInvalid, wantCalls: 1},
		{name: "type not in catalog", model: func(r llmtest.Request) llmtest.Reply {
			return llmtest.Completion(strings.Replace(valid(llmtest.CanaryOf(r)), "bank_impersonation_safe_account", "made_up_type", 1))
		}, wantReason: ReasonInvalid, wantCalls: 1},
		{name: "confidence out of range", model: func(r llmtest.Request) llmtest.Reply {
			return llmtest.Completion(strings.Replace(valid(llmtest.CanaryOf(r)), `"confidence":0.9`, `"confidence":7`, 1))
		}, wantReason: ReasonInvalid, wantCalls: 1},
		{name: "missing canary", replies: []llmtest.Reply{llmtest.Completion(valid(""))}, wantReason: ReasonCanary, wantCalls: 1},
		{name: "wrong canary", replies: []llmtest.Reply{llmtest.Completion(valid("sg-canary-0000000000000000"))}, wantReason: ReasonCanary, wantCalls: 1},
		{name: "500 twice", replies: []llmtest.Reply{
			llmtest.ErrorReply(500, "", "server_error", "boom"), llmtest.ErrorReply(503, "", "server_error", "boom"),
		}, wantReason: ReasonServer, wantCalls: 2},
		{name: "429 twice", replies: []llmtest.Reply{
			llmtest.ErrorReply(429, "0", "rate_limit", "slow down"), llmtest.ErrorReply(429, "0", "rate_limit", "slow down"),
		}, wantReason: ReasonRateLimited, wantCalls: 2},
		// Retry-After beyond the timeout: no point waiting, give up at once.
		{name: "429 with a long Retry-After", replies: []llmtest.Reply{llmtest.ErrorReply(429, "120", "rate_limit", "slow down")}, wantReason: ReasonRateLimited, wantCalls: 1},
		{name: "401", replies: []llmtest.Reply{llmtest.ErrorReply(401, "", "invalid_api_key", "bad key")}, wantReason: ReasonHTTP, wantCalls: 1},
		{name: "timeout", replies: []llmtest.Reply{{Delay: time.Minute}}, wantReason: ReasonTimeout, wantCalls: 1},
		{name: "connection refused", closed: true, wantReason: ReasonNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := tt.model
			if model == nil {
				model = llmtest.Answering(scamAnswer)
			}
			srv := llmtest.NewServer(t, model)
			srv.Enqueue(tt.replies...)
			url := srv.URL
			if tt.closed {
				url = closedURL(t)
			}
			j := newJudge(t, url, func(c *Config) { c.Timeout = 300 * time.Millisecond })
			req := request(t, greyBank)
			res := j.Review(t.Context(), req)
			if !res.Failed || res.Outcome != OutcomeFailed || res.Reason != tt.wantReason {
				t.Errorf("outcome %s failed %v reason %q, want reason %q", res.Outcome, res.Failed, res.Reason, tt.wantReason)
			}
			if res.Verdict.Level != req.Verdict.Level || res.Verdict.Type != req.Verdict.Type ||
				!slices.Equal(res.Verdict.Engines, []string{"heuristic"}) || res.Verdict.Explanation != "" {
				t.Errorf("verdict changed by a failed call: %+v", res.Verdict)
			}
			if srv.Calls() != tt.wantCalls {
				t.Errorf("%d calls, want %d", srv.Calls(), tt.wantCalls)
			}
			if s := j.Stats(); s.Failed != 1 || s.Failures[tt.wantReason] != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func TestRetryAfter429ThenSuccess(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	srv.Enqueue(llmtest.ErrorReply(http.StatusTooManyRequests, "0", "rate_limit", "slow down"))
	j := newJudge(t, srv.URL, nil)
	res := j.Review(t.Context(), request(t, greyBank))
	if res.Outcome != OutcomeAnswered || res.Verdict.Level != classifier.LevelScam {
		t.Errorf("outcome %s (%s) level %s", res.Outcome, res.Reason, res.Verdict.Level)
	}
	if srv.Calls() != 2 {
		t.Errorf("%d calls, want 2", srv.Calls())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		value string
		want  time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {"-1", 0}, {"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	} {
		if got := parseRetryAfter(tt.value, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestResponseFormatFallback(t *testing.T) {
	t.Run("json_object", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
		srv.RejectJSONSchema(false)
		j := newJudge(t, srv.URL, nil)
		if res := j.Review(t.Context(), request(t, greyBank)); res.Outcome != OutcomeAnswered {
			t.Fatalf("outcome %s (%s)", res.Outcome, res.Reason)
		}
		// The next request asks for what worked straight away.
		if res := j.Review(t.Context(), request(t, greyCourier)); res.Outcome != OutcomeAnswered {
			t.Fatalf("outcome %s (%s)", res.Outcome, res.Reason)
		}
		if got := formats(srv); !slices.Equal(got, []string{"json_schema", "json_object", "json_object"}) {
			t.Errorf("formats asked %v", got)
		}
	})
	t.Run("text with JSON inside prose", func(t *testing.T) {
		srv := llmtest.NewServer(t, func(r llmtest.Request) llmtest.Reply {
			return llmtest.Completion("Sure! Here is my verdict:\n```json\n" + scamAnswer.JSON(llmtest.CanaryOf(r)) + "\n```\nStay safe {really}.")
		})
		srv.RejectJSONSchema(true)
		j := newJudge(t, srv.URL, nil)
		if res := j.Review(t.Context(), request(t, greyBank)); res.Outcome != OutcomeAnswered {
			t.Fatalf("outcome %s (%s)", res.Outcome, res.Reason)
		}
		if got := formats(srv); !slices.Equal(got, []string{"json_schema", "json_object", ""}) {
			t.Errorf("formats asked %v", got)
		}
	})
	t.Run("json_schema is sent with the schema", func(t *testing.T) {
		srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
		j := newJudge(t, srv.URL, nil)
		j.Review(t.Context(), request(t, greyBank))
		var body struct {
			ResponseFormat struct {
				JSONSchema struct {
					Strict bool            `json:"strict"`
					Schema json.RawMessage `json:"schema"`
				} `json:"json_schema"`
			} `json:"response_format"`
		}
		if err := json.Unmarshal(srv.Requests()[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		if !body.ResponseFormat.JSONSchema.Strict || !strings.Contains(string(body.ResponseFormat.JSONSchema.Schema), `"canary"`) {
			t.Errorf("response_format: %s", srv.Requests()[0].Body)
		}
	})
}

func formats(srv *llmtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Format)
	}
	return out
}

func TestOnlyTheScrubbedWindowAndSignalsAreSent(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	j := newJudge(t, srv.URL, nil)
	req := request(t, greyBank+"\nDear John Smith, call me back on +86 138 1234 5678 or mail john.smith@example.com, order 2024061512345678\n"+
		"王先生您好，我叫李明，请访问 https://secure-bank.top/verify?token=abc123 确认")
	req.Verdict.Score, req.Verdict.HardStop = 0.5, false // keep it in the grey zone whatever the extra lines add
	if res := j.Review(t.Context(), req); !res.Called {
		t.Fatalf("not called: %s (%s)", res.Outcome, res.Reason)
	}
	got := srv.Requests()[0]
	body := string(got.Body)
	for _, secret := range []string{"138 1234 5678", "13812345678", "john.smith@example.com", "John Smith", "2024061512345678", "李明", "王先生", "token=abc123", "test-key-not-logged"} {
		if strings.Contains(body, secret) {
			t.Errorf("request body contains %q", secret)
		}
	}
	for _, want := range []string{"[phone]", "[email]", "Dear [name]", "我叫[name]", "[name]先生", "https://secure-bank.top/…", "[number]"} {
		if !strings.Contains(got.User, want) {
			t.Errorf("user message lacks %q:\n%s", want, got.User)
		}
	}
	if got.Header.Get("Authorization") != "Bearer test-key-not-logged" {
		t.Errorf("Authorization header %q", got.Header.Get("Authorization"))
	}
	// The data block: opened and closed by tagged delimiters that the
	// system message names, the messages inside, the canary outside.
	canary := llmtest.CanaryOf(got)
	if canary == "" || strings.Contains(strings.Join(llmtest.Messages(got), "\n"), canary) {
		t.Errorf("canary %q missing from the instructions or leaked into data", canary)
	}
	begin := strings.Index(got.User, "<<<CONVERSATION DATA ")
	end := strings.Index(got.User, "<<<END OF CONVERSATION DATA ")
	tag := got.User[begin+len("<<<CONVERSATION DATA ") : begin+len("<<<CONVERSATION DATA ")+12]
	if begin < 0 || end < begin || !strings.Contains(got.System, "<<<END OF CONVERSATION DATA "+tag+">>>") {
		t.Fatalf("data block delimiters missing or not named in the instructions:\n%s", got.User)
	}
	if inside := got.User[begin:end]; !strings.Contains(inside, "unusual activity") {
		t.Errorf("conversation is not inside the data block")
	}
	if !strings.Contains(got.User[end:], `"id":"`) {
		t.Errorf("signals missing after the data block:\n%s", got.User[end:])
	}
	if strings.Contains(got.User[end:], "unusual activity") || len(llmtest.Messages(got)) != len(req.Window) {
		t.Errorf("matched text sent outside the data block, or messages lost")
	}
	// A second request gets a fresh canary and tag.
	j.Review(t.Context(), request(t, greyCourier))
	if again := srv.Requests()[1]; llmtest.CanaryOf(again) == canary || strings.Contains(again.User, tag) {
		t.Errorf("canary or tag reused")
	}
}

func TestCircuitBreakerStopsCallingAFailingEndpoint(t *testing.T) {
	srv := llmtest.NewServer(t, func(llmtest.Request) llmtest.Reply {
		return llmtest.ErrorReply(502, "0", "server_error", "bad gateway")
	})
	j := newJudge(t, srv.URL, func(c *Config) { c.BreakerFailures, c.BreakerCooldown = 2, time.Hour })
	texts := []string{greyBank, greyCourier, greyBank + "\nme:really?"}
	for i, text := range texts {
		res := j.Review(t.Context(), request(t, text))
		want := OutcomeFailed
		if i == 2 {
			want = OutcomeCircuitOpen
		}
		if res.Outcome != want {
			t.Errorf("review %d: outcome %s, want %s", i, res.Outcome, want)
		}
	}
	if srv.Calls() != 4 { // two reviews, each with its retry
		t.Errorf("%d calls, want 4", srv.Calls())
	}
}

func TestBreakerTrialCallClosesOrReopens(t *testing.T) {
	now := time.Unix(1000, 0)
	b := &breaker{failures: 1, cooldown: time.Minute, now: func() time.Time { return now }}
	b.allow()
	b.record(false)
	if b.allow() {
		t.Fatal("open breaker allowed a call")
	}
	now = now.Add(2 * time.Minute)
	if !b.allow() || b.allow() {
		t.Fatal("after the cooldown exactly one trial call goes")
	}
	b.record(false)
	if b.allow() {
		t.Fatal("a failed trial must reopen the breaker")
	}
	now = now.Add(2 * time.Minute)
	b.allow()
	b.record(true)
	if !b.allow() || !b.allow() {
		t.Fatal("a good trial must close the breaker")
	}
}

func TestBudgetCapsCallsPerUser(t *testing.T) {
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	j := newJudge(t, srv.URL, func(c *Config) { c.UserPerHour, c.GlobalPerHour = 1, 0 })
	first := j.Review(t.Context(), request(t, greyBank))
	second := j.Review(t.Context(), request(t, greyCourier))
	other := request(t, greyCourier)
	other.User = "user-2"
	third := j.Review(t.Context(), other)
	if first.Outcome != OutcomeAnswered || second.Outcome != OutcomeOverBudget || third.Outcome != OutcomeAnswered {
		t.Errorf("outcomes %s, %s, %s", first.Outcome, second.Outcome, third.Outcome)
	}
	if second.Verdict.Level != classifier.LevelSuspicious || srv.Calls() != 2 {
		t.Errorf("over budget: level %s, %d calls", second.Verdict.Level, srv.Calls())
	}
}

func TestDisabledWithoutKeyOrURL(t *testing.T) {
	cat, _ := engines(t)
	j, err := New(DefaultConfig(), cat, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := request(t, greyBank)
	if res := j.Review(t.Context(), req); j.Enabled() || res.Outcome != OutcomeDisabled || res.Verdict.Level != req.Verdict.Level {
		t.Errorf("enabled %v outcome %s", j.Enabled(), res.Outcome)
	}
}
