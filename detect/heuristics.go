package detect

import (
	"context"
	"fmt"

	"github.com/scamguard/scamguard/classifier"
)

// heuristics is the first stage: the classifier's signals and scores.
type heuristics struct {
	classifier *classifier.Classifier
}

// Heuristics is the classifier's stage. It starts every pipeline: it
// decides from nothing, so whatever verdict it is handed is ignored.
func Heuristics(c *classifier.Classifier) Stage { return heuristics{classifier: c} }

// NameHeuristics is the heuristics stage's name.
const NameHeuristics = "heuristics"

func (heuristics) Name() string { return NameHeuristics }

func (h heuristics) Run(ctx context.Context, req *Request, _ classifier.Verdict) Decision {
	if req.Heuristic != nil {
		return Decision{Verdict: *req.Heuristic, Reason: "classified message by message as they arrived"}
	}
	if h.classifier == nil {
		return Decision{Verdict: classifier.Verdict{Level: classifier.LevelNone, FirstAlertIndex: -1}, Outcome: Skipped, Reason: "no classifier"}
	}
	if req.State == nil {
		v := h.classifier.Classify(ctx, classifier.Conversation{Messages: req.Messages})
		return Decision{Verdict: v, Reason: fmt.Sprintf("classified %d messages", len(req.Messages))}
	}
	// The caller's state has seen the conversation up to State.Messages;
	// Messages may start later (a window) or repeat what it has seen.
	observed := 0
	for i, m := range req.Messages {
		if req.FirstIndex+i < req.State.Messages {
			continue
		}
		h.classifier.Observe(req.State, m)
		observed++
	}
	v := h.classifier.Verdict(req.State)
	return Decision{Verdict: v, Reason: fmt.Sprintf("continued from a state of %d messages, observed %d", req.State.Messages-observed, observed)}
}
