package conversation

import (
	"context"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/store"
)

// SkipWhileStoreFails are the stages a request skips while the store
// fails: the fingerprints live in the same Redis.
var SkipWhileStoreFails = map[string]string{detect.NameFingerprints: "the store is failing"}

// WindowMessages turns a stored window into the pipeline's messages and
// the index of the first one in the whole conversation.
func WindowMessages(window []store.Entry) ([]classifier.Message, int) {
	if len(window) == 0 {
		return nil, 0
	}
	messages := make([]classifier.Message, len(window))
	for i, e := range window {
		messages[i] = classifier.Message{From: classifier.Speaker(e.From), Text: e.Text}
	}
	return messages, int(window[0].Seq - 1)
}

// Detect runs req through detection (heuristics, fingerprints of scripts
// moderators decided, the LLM for the grey zone), notes what each stage
// did and returns the final verdict. Private chats and groups both come
// here.
func (b *Room) Detect(ctx context.Context, chat int64, req detect.Request) classifier.Verdict {
	res := b.Pipeline.Run(ctx, req)
	for _, rec := range res.Stages {
		b.noteStage(chat, rec)
	}
	return res.Verdict
}

// noteStage counts and logs what a stage did: metrics by what happened,
// a degraded store when the fingerprints could not be read, a warning
// when the LLM failed (the heuristic verdict stands).
func (b *Room) noteStage(chat int64, rec detect.Record) {
	switch rec.Name {
	case detect.NameFingerprints:
		if rec.Outcome == detect.Failed {
			b.Degrade("fingerprints", rec.Err)
		}
		if rec.Detail != "" {
			b.Metrics.Fingerprints.WithLabelValues(rec.Detail).Inc()
		}
	case detect.NameLLM:
		if rec.Detail != "" && rec.Detail != "disabled" {
			b.Metrics.LLM.WithLabelValues(rec.Detail).Inc()
		}
		if rec.Outcome == detect.Failed {
			b.Log.Warn("LLM review failed; the heuristic verdict stands", "chat", chat, "reason", rec.Reason)
		}
	}
}
