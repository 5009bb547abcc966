package bot

import (
	"context"
	"strconv"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/detect"
	"github.com/scamguard/scamguard/store"
)

// detect runs the burst's conversation through the pipeline (heuristics,
// fingerprints of scripts moderators decided, the LLM for the grey zone)
// and returns the final verdict. heuristic is the classifier's verdict,
// kept as the burst's messages arrived. The stages read the stored
// (redacted) window; while the store fails, the burst's own messages, and
// the fingerprints, which live in the same Redis, are skipped.
func (b *Bot) detect(ctx context.Context, chat int64, br *burst, heuristic classifier.Verdict, lang string) classifier.Verdict {
	req := detect.Request{
		Heuristic:    &heuristic,
		Lang:         lang,
		Region:       br.settings.Region,
		User:         strconv.FormatInt(br.user, 10),
		Conversation: strconv.FormatInt(chat, 10),
	}
	if br.degraded || len(br.window) == 0 {
		req.Messages = br.fallback
		req.Skip = skipWhileStoreFails
	} else {
		req.Messages, req.FirstIndex = windowMessages(br.window)
	}
	return b.runPipeline(ctx, chat, req)
}

// skipWhileStoreFails are the stages a request skips while the store
// fails: the fingerprints live in the same Redis.
var skipWhileStoreFails = map[string]string{detect.NameFingerprints: "the store is failing"}

// windowMessages turns a stored window into the pipeline's messages and
// the index of the first one in the whole conversation.
func windowMessages(window []store.Entry) ([]classifier.Message, int) {
	if len(window) == 0 {
		return nil, 0
	}
	messages := make([]classifier.Message, len(window))
	for i, e := range window {
		messages[i] = classifier.Message{From: classifier.Speaker(e.From), Text: e.Text}
	}
	return messages, int(window[0].Seq - 1)
}

// runPipeline runs req through detection, notes what each stage did and
// returns the final verdict. Private chats and groups both come here.
func (b *Bot) runPipeline(ctx context.Context, chat int64, req detect.Request) classifier.Verdict {
	res := b.pipeline.Run(ctx, req)
	for _, rec := range res.Stages {
		b.noteStage(chat, rec)
	}
	return res.Verdict
}

// noteStage counts and logs what a stage did: metrics by what happened,
// a degraded store when the fingerprints could not be read, a warning
// when the LLM failed (the heuristic verdict stands).
func (b *Bot) noteStage(chat int64, rec detect.Record) {
	switch rec.Name {
	case detect.NameFingerprints:
		if rec.Outcome == detect.Failed {
			b.degrade("fingerprints", rec.Err)
		}
		if rec.Detail != "" {
			b.metrics.fingerprints.WithLabelValues(rec.Detail).Inc()
		}
	case detect.NameLLM:
		if rec.Detail != "" && rec.Detail != "disabled" {
			b.metrics.llm.WithLabelValues(rec.Detail).Inc()
		}
		if rec.Outcome == detect.Failed {
			b.log.Warn("LLM review failed; the heuristic verdict stands", "chat", chat, "reason", rec.Reason)
		}
	}
}
