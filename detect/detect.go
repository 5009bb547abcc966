// Package detect is the detection pipeline: one Request (a conversation and
// what the caller knows about it), one Result (the final verdict and what
// each stage did), produced by an ordered list of named stages —
// heuristics (package classifier), fingerprints of scripts moderators
// decided (package review), the LLM for the grey zone (package llm). The
// bot, `scamguard check` and `scamguard eval` all call it, so that eval
// measures what a user receives.
//
// Adding a stage is one file (a type with Name and Run) and one line in
// the list given to New.
package detect

import (
	"context"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/llm"
)

// Request is one conversation to judge.
type Request struct {
	// Messages is the conversation, oldest first: all of it, or the recent
	// window the caller keeps (the bot's window is redacted).
	Messages []classifier.Message
	// FirstIndex is the index of Messages[0] in the whole conversation, so
	// that the signals' message indexes line up with Messages.
	FirstIndex int
	// State, when not nil, is what the caller already classified: the
	// classifier's state of the conversation so far. The heuristics stage
	// continues from it, observing only the messages of Messages it has
	// not seen (index State.Messages and later), and leaves it updated for
	// the caller to keep. Nil: Messages are classified from the start.
	State *classifier.State
	// Heuristic, when not nil, is the heuristic verdict the caller already
	// has: the bot classifies each message as it arrives and keeps state
	// and verdict in the store, so by the time it answers a burst the
	// heuristics have spoken. The heuristics stage takes it as it is.
	Heuristic *classifier.Verdict
	// Lang is the user's language for what a stage writes (the LLM's
	// explanation): zh, zh-Hant or en; "" or "auto" means the
	// conversation's own.
	Lang string
	// Region is the user's region (CN, HK, ...), for stages that need it;
	// empty when unknown.
	Region string
	// User keys per-user budgets (a Telegram user id, "cli", "eval").
	User string
	// Conversation keys per-conversation limits such as the LLM's debounce
	// (a chat id); empty means none.
	Conversation string
	// Skip names stages not to run for this request, with the reason the
	// record will carry (the bot skips fingerprints while Redis, where
	// they live, is failing).
	Skip map[string]string
}

// Outcome says what a stage did to the verdict.
type Outcome string

// Outcomes of a stage.
const (
	// Raised: the level went up.
	Raised Outcome = "raised"
	// Lowered: the level went down.
	Lowered Outcome = "lowered"
	// Kept: the stage ran and the level stayed (it may still have named
	// the type or explained the verdict).
	Kept Outcome = "kept"
	// Skipped: the stage did not run (disabled, not needed, not its case).
	Skipped Outcome = "skipped"
	// Failed: the stage ran and failed; the verdict is the one before it.
	Failed Outcome = "failed"
)

// Record is what one stage did, for logs, moderators, `check --json` and
// eval's per-stage report.
type Record struct {
	// Name is the stage's name ("heuristics", "fingerprints", "llm").
	Name    string  `json:"name"`
	Outcome Outcome `json:"outcome"`
	// Before and After are the levels going in and coming out; Before is
	// empty for the first stage, which starts from nothing.
	Before classifier.Level `json:"before"`
	After  classifier.Level `json:"after"`
	// Reason says why, in words.
	Reason string `json:"reason,omitempty"`
	// Detail is the stage's own word for what happened, stable enough for
	// a metric label: an llm.Outcome ("answered", "cached", ...), the
	// fingerprint set that matched ("scam", "legit").
	Detail string `json:"detail,omitempty"`
	// Called is set when the stage asked an outside service (a request to
	// the LLM; a cached answer is not a call).
	Called bool `json:"called,omitempty"`
	// Err is the failure behind a Failed record, for the caller's logs.
	Err error `json:"-"`
}

// Result is the pipeline's answer.
type Result struct {
	// Verdict is the final verdict, after every stage.
	Verdict classifier.Verdict `json:"verdict"`
	// Stages are the stages' records, in the order they ran.
	Stages []Record `json:"stages"`
}

// Stage returns the record of the stage called name, and whether it ran
// in this pipeline.
func (r Result) Stage(name string) (Record, bool) {
	for _, rec := range r.Stages {
		if rec.Name == name {
			return rec, true
		}
	}
	return Record{}, false
}

// Decision is what a stage's Run returns: the verdict it leaves and why.
type Decision struct {
	Verdict classifier.Verdict
	// Outcome is Skipped or Failed when the stage did not decide; empty
	// lets the pipeline tell raised, lowered or kept from the levels.
	Outcome Outcome
	Reason  string
	Detail  string
	Called  bool
	Err     error
}

// Stage is one step of the pipeline. Run gets the verdict of the stages
// before it (the zero verdict, level none, for the first) and returns the
// one it leaves. A stage without what it needs (no LLM configured, no
// review store) is still in the list and reports Skipped, so every result
// names every stage.
type Stage interface {
	Name() string
	Run(ctx context.Context, req *Request, v classifier.Verdict) Decision
}

// Pipeline runs its stages in order. It is safe for concurrent use when
// its stages are.
type Pipeline struct {
	stages []Stage
}

// New builds a pipeline of stages, run in the order given.
func New(stages ...Stage) *Pipeline {
	return &Pipeline{stages: stages}
}

// Names returns the stages' names in order.
func (p *Pipeline) Names() []string {
	names := make([]string, len(p.stages))
	for i, s := range p.stages {
		names[i] = s.Name()
	}
	return names
}

// Run judges one conversation.
func (p *Pipeline) Run(ctx context.Context, req Request) Result {
	v := classifier.Verdict{Level: classifier.LevelNone, FirstAlertIndex: -1}
	res := Result{Stages: make([]Record, 0, len(p.stages))}
	var before classifier.Level // nothing before the first stage
	for i, s := range p.stages {
		rec := Record{Name: s.Name(), Before: before}
		var d Decision
		if why, skip := req.Skip[rec.Name]; skip {
			d = Decision{Verdict: v, Outcome: Skipped, Reason: why}
		} else {
			d = s.Run(ctx, &req, v)
		}
		if i > 0 {
			d = keepHardStop(v, d)
		}
		v = d.Verdict
		rec.After = v.Level
		rec.Outcome, rec.Reason, rec.Detail, rec.Called, rec.Err = d.Outcome, d.Reason, d.Detail, d.Called, d.Err
		if rec.Outcome == "" {
			rec.Outcome = compare(before, v.Level)
		}
		res.Stages = append(res.Stages, rec)
		before = v.Level
	}
	res.Verdict = v
	return res
}

// keepHardStop is the one rule the pipeline enforces over every stage
// after the first: a hard stop (a demand for gift cards, a loan, a "safe
// account", screen sharing or a code) is never lowered, whatever a later
// stage believes. The stage's other contributions (an explanation, a type
// where there was none) stand.
func keepHardStop(before classifier.Verdict, d Decision) Decision {
	if !before.HardStop || d.Verdict.Level.AtLeast(before.Level) {
		return d
	}
	d.Verdict.Level, d.Verdict.HardStop = before.Level, true
	if d.Verdict.Type == "" {
		d.Verdict.Type, d.Verdict.Stage = before.Type, before.Stage
	}
	d.Outcome = Kept
	d.Reason = "a hard stop is never lowered (" + d.Reason + ")"
	return d
}

// compare names the change from one level to another; "" (no verdict
// yet) counts as none.
func compare(before, after classifier.Level) Outcome {
	if before == "" {
		before = classifier.LevelNone
	}
	switch {
	case before == after:
		return Kept
	case after.AtLeast(before):
		return Raised
	}
	return Lowered
}

// Standard is the pipeline every entry point runs: heuristics, then the
// fingerprints of scripts moderators decided, then the LLM for the grey
// zone. A new stage is one line here. known and judge may be nil (no
// review store, no LLM): their stages report Skipped. Pass a nil
// interface, not a nil *review.Queue, for no review store.
func Standard(c *classifier.Classifier, known KnownScripts, judge *llm.Judge) *Pipeline {
	return New(
		Heuristics(c),
		Fingerprints(known),
		LLM(judge),
	)
}
