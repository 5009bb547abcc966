package detect

import (
	"context"
	"slices"
	"strconv"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/review"
)

// greyZone is the LLM stage: the judge decides whether a verdict is grey,
// debounces, caches and keeps within budget (package llm).
type greyZone struct {
	judge *llm.Judge
}

// NameLLM is the LLM stage's name.
const NameLLM = "llm"

// LLM is the grey-zone stage. It may raise or explain a verdict, and lower
// one only inside the grey zone (llm's rules; the pipeline keeps every hard
// stop besides). With judge nil or not configured it reports Skipped.
func LLM(judge *llm.Judge) Stage { return greyZone{judge: judge} }

func (greyZone) Name() string { return NameLLM }

func (g greyZone) Run(ctx context.Context, req *Request, v classifier.Verdict) Decision {
	switch {
	case g.judge == nil || !g.judge.Enabled():
		return Decision{Verdict: v, Outcome: Skipped, Reason: "no LLM configured", Detail: string(llm.OutcomeDisabled)}
	case slices.Contains(v.Engines, review.EngineFingerprint):
		// Moderators settled this script; a model has nothing to add.
		return Decision{Verdict: v, Outcome: Skipped, Reason: "settled by a moderator's fingerprint"}
	case len(req.Messages) == 0:
		return Decision{Verdict: v, Outcome: Skipped, Reason: "no messages"}
	}
	lang := req.Lang
	if lang == "auto" {
		lang = ""
	}
	res := g.judge.Review(ctx, llm.Request{
		Verdict:      v,
		Window:       req.Messages,
		FirstIndex:   req.FirstIndex,
		Lang:         lang,
		User:         req.User,
		Conversation: req.Conversation,
	})
	d := Decision{Verdict: res.Verdict, Reason: res.Reason, Detail: string(res.Outcome), Called: res.Called}
	switch res.Outcome {
	case llm.OutcomeFailed:
		d.Outcome, d.Err = Failed, errLLM(res.Reason)
	case llm.OutcomeSkipped, llm.OutcomeOverBudget, llm.OutcomeCircuitOpen:
		d.Outcome = Skipped
	case llm.OutcomeDebounced:
		if res.Answer == nil {
			d.Outcome = Skipped
		}
	}
	if d.Reason == "" {
		d.Reason = string(res.Outcome)
	}
	return d
}

// errLLM is a failed review, by the judge's reason (the judge logs the
// details, never the conversation).
type errLLM string

func (e errLLM) Error() string { return "LLM review failed: " + strconv.Quote(string(e)) }
