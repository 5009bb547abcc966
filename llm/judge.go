package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/prompts"
)

// Request is one conversation to review.
type Request struct {
	// Verdict is the heuristic verdict of the conversation so far.
	Verdict classifier.Verdict
	// Window is the conversation's recent messages, oldest first, as
	// stored (redacted) or as written: it is scrubbed again before it is
	// sent. FirstIndex is the index of Window[0] in the conversation, so
	// that the Verdict's signal indexes line up.
	Window     []classifier.Message
	FirstIndex int
	// Lang is the user's language for the explanation (zh, zh-Hant, en);
	// empty means the conversation's language.
	Lang string
	// User keys the per-user budget (a Telegram user id, "cli").
	User string
	// Conversation keys the debounce (a chat id); empty: no debounce.
	Conversation string
}

// Outcome says what the stage did with a request.
type Outcome string

// Outcomes of Review.
const (
	// OutcomeDisabled: no LLM is configured.
	OutcomeDisabled Outcome = "disabled"
	// OutcomeSkipped: the verdict is clear (outside the grey zone).
	OutcomeSkipped Outcome = "skipped"
	// OutcomeDebounced: the conversation's evidence has not changed since
	// the last answer (which is applied again), or a call for it is in
	// flight or was made less than Debounce ago.
	OutcomeDebounced Outcome = "debounced"
	// OutcomeOverBudget: the user's or the global hourly budget is spent.
	OutcomeOverBudget Outcome = "over budget"
	// OutcomeCircuitOpen: the endpoint failed repeatedly; calls pause.
	OutcomeCircuitOpen Outcome = "circuit open"
	// OutcomeCached: the same window was judged before.
	OutcomeCached Outcome = "cached"
	// OutcomeAnswered: the model was called and answered validly.
	OutcomeAnswered Outcome = "answered"
	// OutcomeFailed: the call failed or the answer was invalid.
	OutcomeFailed Outcome = "failed"
)

// Result is the combined verdict and what happened.
type Result struct {
	// Verdict is the combined verdict: the heuristic one, raised, lowered
	// or explained by the answer when there is one ("llm" appended to
	// Engines when the answer contributed).
	Verdict classifier.Verdict
	Outcome Outcome
	// Called is true when a request went to the model (retries included).
	Called bool
	// Cached is true when the answer came from the cache.
	Cached bool
	// Failed is true when the call failed or the answer was refused.
	Failed bool
	// Reason says why: the gate's reason, or the failure's.
	Reason string
	// Answer is the validated answer used, nil when none.
	Answer *Answer
}

// Judge is the LLM stage. It is safe for concurrent use.
type Judge struct {
	cfg    Config
	client *openai.Client
	cache  Cache
	budget Budget
	log    *slog.Logger
	index  catalogIndex
	types  []prompts.ScamType
	brands []string

	format  atomic.Int32 // responseFormat that works with the server
	breaker *breaker
	recent  *debouncer
	shared  DebounceStore

	stats struct {
		reviews, skipped, debounced, overBudget, circuitOpen atomic.Int64
		calls, cached, answered, failed, raised, lowered     atomic.Int64
		mu                                                   sync.Mutex
		failures                                             map[string]int64
	}
}

// New builds the stage. With no LLM configured it returns a Judge whose
// Review returns the heuristic verdict (OutcomeDisabled). cache and budget
// may be nil: an in-process cache, and in-process hourly caps from cfg.
func New(cfg Config, cat *catalog.Catalog, cache Cache, budget Budget, log *slog.Logger) (*Judge, error) {
	if cat == nil {
		return nil, errors.New("new LLM judge: no catalog")
	}
	if log == nil {
		log = slog.Default()
	}
	cfg = cfg.withDefaults()
	if cache == nil {
		cache = NewMemoryCache(10000, 24*time.Hour)
	}
	if budget == nil {
		budget = NewMemoryBudget(cfg.UserPerHour, cfg.GlobalPerHour)
	}
	j := &Judge{
		cfg: cfg, cache: cache, budget: budget, log: log,
		index:   catalogIndex{types: map[string]bool{}, brands: map[string]bool{}},
		breaker: &breaker{failures: cfg.BreakerFailures, cooldown: cfg.BreakerCooldown, now: time.Now},
		recent:  newDebouncer(cfg.Debounce, 100000),
	}
	j.stats.failures = map[string]int64{}
	for _, t := range cat.ScamTypes() {
		j.index.types[t.Slug] = true
		j.types = append(j.types, prompts.ScamType{Slug: t.Slug, Name: t.Names.In("en")})
	}
	for _, b := range cat.Brands() {
		j.index.brands[b.ID] = true
		j.brands = append(j.brands, b.ID)
	}
	if cfg.Configured() {
		clientCfg := openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			clientCfg.BaseURL = cfg.BaseURL
		}
		clientCfg.HTTPClient = &http.Client{Transport: retryAfterTransport{next: http.DefaultTransport}}
		j.client = openai.NewClientWithConfig(clientCfg)
	}
	return j, nil
}

// ShareDebounce makes the debounce interval and the in-flight mark shared
// by every Judge on s (replicas on one Redis): of two replicas judging one
// conversation within Config.Debounce, one calls the model. Call it before
// the first Review.
func (j *Judge) ShareDebounce(s DebounceStore) { j.shared = s }

// Enabled reports whether an LLM is configured.
func (j *Judge) Enabled() bool { return j.client != nil }

// Config returns the configuration in use, defaults filled in.
func (j *Judge) Config() Config { return j.cfg }

// Review judges a conversation when the heuristic verdict is unsure and
// returns the combined verdict. It returns within Config.Timeout whatever
// the server does; on any failure the verdict is the heuristic one. The
// steps: is it for the model at all (configured, in the grey zone), is the
// same evidence already under review (debounced), then the answer from
// the cache or a call (obtain).
func (j *Judge) Review(ctx context.Context, req Request) Result {
	j.stats.reviews.Add(1)
	res := Result{Verdict: req.Verdict}
	if !j.Enabled() {
		res.Outcome, res.Reason = OutcomeDisabled, "no LLM configured"
		return res
	}
	gated, why := j.cfg.Gate(req.Verdict)
	res.Reason = why
	if !gated {
		j.stats.skipped.Add(1)
		res.Outcome = OutcomeSkipped
		return res
	}
	evidence := Evidence(req.Verdict)
	last, wait := j.recent.claim(req.Conversation, evidence, time.Now())
	if wait {
		return j.debounced(req, res, last)
	}
	if j.shared != nil && req.Conversation != "" {
		// The call's deadline and a second: a replica that dies calling
		// holds the conversation no longer than that.
		claimed, err := j.shared.ClaimLLMCall(ctx, req.Conversation, j.cfg.Timeout+time.Second)
		switch {
		case err != nil:
			// Redis failing: this process's own debounce still holds.
			j.log.Warn("shared LLM debounce unavailable; deciding alone", "err", err)
		case !claimed:
			j.recent.abandon(req.Conversation)
			return j.debounced(req, res, nil)
		default:
			defer func() {
				if err := j.shared.EndLLMCall(context.Background(), req.Conversation, j.cfg.Debounce); err != nil {
					j.log.Warn("ending a shared LLM call mark failed; it expires on its own", "err", err)
				}
			}()
		}
	}
	var answer *Answer
	defer func() { j.recent.release(req.Conversation, evidence, answer, time.Now()) }()

	ctx, cancel := context.WithTimeout(ctx, j.cfg.Timeout)
	defer cancel()
	res, answer = j.obtain(ctx, req, res)
	return res
}

// debounced answers a review of evidence that is under review or was
// reviewed moments ago: with the last answer, when there is one.
func (j *Judge) debounced(req Request, res Result, last *Answer) Result {
	j.stats.debounced.Add(1)
	res.Outcome = OutcomeDebounced
	if last != nil {
		res.Verdict, res.Answer = j.combine(req, *last), last
		res.Reason = "evidence unchanged since the last answer"
	} else {
		res.Reason = "a call for this conversation is in flight or was made moments ago"
	}
	return res
}

// obtain gets the model's answer for req: from the cache, else by a call
// when the circuit breaker and the budget allow one. It returns the result
// and the answer, nil when there is none.
func (j *Judge) obtain(ctx context.Context, req Request, res Result) (Result, *Answer) {
	lang := req.Lang
	if lang == "" {
		lang = req.Verdict.Language
	}
	p, err := prepare(req.Window, shiftSignals(req.Verdict.Signals, req.FirstIndex), lang, j.cfg.MaxMessages, j.cfg.MaxMessageRunes)
	if err != nil {
		return j.failed(res, ReasonInvalid, err), nil
	}
	key := p.cacheKey(j.cfg.Model)
	if cached, ok, err := j.cache.Get(ctx, key); err != nil {
		j.log.Warn("LLM cache read failed", "err", err)
	} else if ok {
		if a, err := parseAnswer(string(cached), "", &j.index); err == nil {
			j.stats.cached.Add(1)
			res.Outcome, res.Cached = OutcomeCached, true
			return j.answered(req, res, &a), &a
		}
	}
	if !j.breaker.allow() {
		j.stats.circuitOpen.Add(1)
		res.Outcome, res.Reason = OutcomeCircuitOpen, "the LLM endpoint failed repeatedly; calls are paused"
		return res, nil
	}
	allowed, err := j.budget.Allow(ctx, req.User)
	if err != nil {
		j.log.Warn("LLM budget check failed; not calling", "err", err)
		allowed = false
	}
	if !allowed {
		j.breaker.skip() // the endpoint was not tried
		j.stats.overBudget.Add(1)
		res.Outcome, res.Reason = OutcomeOverBudget, "hourly LLM budget spent"
		return res, nil
	}
	a, reason, err := j.call(ctx, p, &res)
	if err != nil {
		return j.failed(res, reason, err), nil
	}
	stored := a
	stored.Canary = ""
	if data, err := json.Marshal(stored); err == nil {
		if err := j.cache.Put(ctx, key, data); err != nil {
			j.log.Warn("LLM cache write failed", "err", err)
		}
	}
	j.stats.answered.Add(1)
	res.Outcome = OutcomeAnswered
	return j.answered(req, res, &a), &a
}

// call asks the model about p and parses its answer, recording the call
// in res and its outcome in the circuit breaker; on failure reason says
// why (Reason*).
func (j *Judge) call(ctx context.Context, p prepared, res *Result) (a Answer, reason string, err error) {
	system, user, err := p.chat(j.types, j.brands)
	if err != nil {
		j.breaker.skip()
		return a, ReasonInvalid, err
	}
	j.stats.calls.Add(1)
	res.Called = true
	content, err := j.complete(ctx, system, user)
	var callErr *callError
	if errors.As(err, &callErr) {
		j.breaker.record(!callErr.endpoint)
		return a, callErr.reason, err
	}
	j.breaker.record(true)
	a, err = parseAnswer(content, p.canary, &j.index)
	if err != nil {
		if errors.Is(err, errCanary) {
			return a, ReasonCanary, err
		}
		return a, ReasonInvalid, err
	}
	return a, "", nil
}

// answered completes res with the model's answer: the combined verdict,
// counted.
func (j *Judge) answered(req Request, res Result, a *Answer) Result {
	res.Answer = a
	res.Verdict = j.combine(req, *a)
	j.count(req.Verdict, res.Verdict)
	return res
}

// failed records a failed call: the heuristic verdict stands.
func (j *Judge) failed(res Result, reason string, err error) Result {
	j.stats.failed.Add(1)
	j.stats.mu.Lock()
	j.stats.failures[reason]++
	j.stats.mu.Unlock()
	// The error may quote the server's answer, never the conversation or the key.
	j.log.Warn("LLM call failed; the heuristic verdict stands", "reason", reason, "err", err)
	res.Outcome, res.Failed, res.Reason = OutcomeFailed, true, reason
	return res
}

// count notes whether the answer changed the level.
func (j *Judge) count(before, after classifier.Verdict) {
	switch {
	case after.Level == before.Level:
	case after.Level.AtLeast(before.Level):
		j.stats.raised.Add(1)
	default:
		j.stats.lowered.Add(1)
	}
}

// shiftSignals re-indexes signals to the window when it does not start at
// the conversation's first message.
func shiftSignals(hits []classifier.Hit, first int) []classifier.Hit {
	if first == 0 {
		return hits
	}
	out := make([]classifier.Hit, len(hits))
	for i, h := range hits {
		h.MessageIndex -= first
		out[i] = h
	}
	return out
}

// String gives a one-line summary for logs.
func (r Result) String() string {
	return fmt.Sprintf("llm %s (%s): %s", r.Outcome, r.Reason, r.Verdict.Level)
}
