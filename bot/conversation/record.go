package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
)

// The store stores, the bot classifies: a message is appended (one round
// trip that reads back the saved classifier state), the messages that
// state has not seen are observed here, and state and verdict are saved
// with a compare-and-set. A writer that loses the compare-and-set (another
// replica saved first) reads again and classifies again, so two writers on
// one chat never lose or double a message.

// maxClassifyAttempts bounds how often Record re-reads after a conflict; a
// conflict needs a concurrent writer on the same chat, so more than a few
// in a row means something is wrong.
const maxClassifyAttempts = 5

// Record stores entry as the newest message of chat's conversation and
// returns the verdict that covers it, with the conversation as appended.
// Without a concurrent writer that is two round trips.
func (b *Room) Record(ctx context.Context, chat int64, entry store.Entry) (classifier.Verdict, store.Conversation, error) {
	conv, err := b.Store.Append(ctx, chat, entry)
	if err != nil {
		return classifier.Verdict{}, conv, err
	}
	return b.classify(ctx, chat, entry, conv)
}

// RecordClaimed is Record for a message of a burst the caller claimed
// (store.ClaimBurst): nothing is stored once the claim is lost
// (store.ErrBurstLost), and a message a replica stored before it died is
// not stored twice (its Seq is conv.Existing).
func (b *Room) RecordClaimed(ctx context.Context, chat int64, entry store.Entry, claim string) (classifier.Verdict, store.Conversation, error) {
	conv, err := b.Store.AppendClaimed(ctx, chat, entry, claim)
	if err != nil {
		return classifier.Verdict{}, conv, err
	}
	return b.classify(ctx, chat, entry, conv)
}

// RecordBurst is RecordClaimed for several messages of one claimed burst
// (at most store.BurstAppendLimit), oldest first: one round trip appends
// them all and one saves the state that folded them. seqs holds each
// message's Seq in the conversation.
func (b *Room) RecordBurst(ctx context.Context, chat int64, entries []store.Entry, claim string) (classifier.Verdict, store.Conversation, []int64, error) {
	conv, seqs, err := b.Store.AppendBurst(ctx, chat, entries, claim)
	if err != nil {
		return classifier.Verdict{}, conv, nil, err
	}
	verdict, conv, err := b.ClassifyFolded(ctx, chat, entries, seqs, conv)
	return verdict, conv, seqs, err
}

// ClassifyUnsaved is ClassifyFolded without the save: the state that
// folds the messages comes back as a snapshot for the caller to save with
// its own writes (store.Store.FinishBurst); nil when another writer
// classified them already.
func (b *Room) ClassifyUnsaved(ctx context.Context, chat int64, entries []store.Entry, seqs []int64, conv store.Conversation) (classifier.Verdict, *store.Snapshot, error) {
	mine := slices.Max(seqs)
	if conv.StateSeq >= mine {
		verdict, err := DecodeVerdict(conv.Verdict)
		if err != nil {
			return verdict, nil, fmt.Errorf("message %d of chat %d: %w", mine, chat, err)
		}
		return verdict, nil, nil
	}
	pending := conv.Pending(mine)
	for i := range pending {
		for j, seq := range seqs {
			if pending[i].Seq == seq {
				pending[i].Text = entries[j].Text
			}
		}
	}
	verdict, snap, err := b.classifyPending(chat, conv, pending, mine)
	if err != nil {
		return verdict, nil, err
	}
	return verdict, &snap, nil
}

// ClassifyFolded is RecordBurst's second half, for messages of a claimed
// burst that are stored already (entries, as received, with their seqs
// and the conversation read back: store.AppendBurst, or the claim that
// folded them, store.Folded).
func (b *Room) ClassifyFolded(ctx context.Context, chat int64, entries []store.Entry, seqs []int64, conv store.Conversation) (classifier.Verdict, store.Conversation, error) {
	raw := make(map[int64]string, len(entries))
	for i, e := range entries {
		raw[seqs[i]] = e.Text
	}
	return b.classifyUpTo(ctx, chat, slices.Max(seqs), raw, conv)
}

// classify folds the messages of conv that its saved state has not seen,
// up to entry's (just appended), and saves state and verdict.
func (b *Room) classify(ctx context.Context, chat int64, entry store.Entry, conv store.Conversation) (classifier.Verdict, store.Conversation, error) {
	mine := conv.Seq
	if conv.Existing > 0 {
		mine = conv.Existing
	}
	return b.classifyUpTo(ctx, chat, mine, map[int64]string{mine: entry.Text}, conv)
}

// classifyUpTo folds the messages of conv that its saved state has not
// seen, up to message mine, and saves state and verdict; raw holds the
// caller's own messages as received by seq (the stored copies are
// redacted, and numbers matter to the classifier).
func (b *Room) classifyUpTo(ctx context.Context, chat int64, mine int64, raw map[int64]string, conv store.Conversation) (classifier.Verdict, store.Conversation, error) {
	current := conv
	for range maxClassifyAttempts {
		if current.StateSeq >= mine {
			// Another writer classified this message already.
			verdict, err := DecodeVerdict(current.Verdict)
			if err != nil {
				return verdict, conv, fmt.Errorf("message %d of chat %d: %w", mine, chat, err)
			}
			return verdict, conv, nil
		}
		pending := current.Pending(mine)
		for i := range pending {
			if text, ok := raw[pending[i].Seq]; ok {
				pending[i].Text = text
			}
		}
		verdict, err := b.classifyAndSave(ctx, chat, current, pending, mine)
		if !errors.Is(err, store.ErrConflict) {
			return verdict, conv, err
		}
		if current, err = b.Store.Load(ctx, chat); err != nil {
			return classifier.Verdict{}, conv, err
		}
	}
	return classifier.Verdict{}, conv, fmt.Errorf("record message %d of chat %d: %w after %d attempts", mine, chat, store.ErrConflict, maxClassifyAttempts)
}

// RecordEdit is the intake of an edited message, the same in every room:
// a text that is not a command replaces the message in its chat's window
// (entry from speaker, hidden: forwarded from a hidden account) and the
// window is classified again (Edit). ok is false when there is nothing
// more to do: no text, a command, a message too old to matter or from
// before /new, or a failing store (counted as degraded).
func (b *Room) RecordEdit(ctx context.Context, msg *models.Message, speaker classifier.Speaker, hidden bool) (before, after classifier.Verdict, ok bool) {
	text := MessageText(msg)
	if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "/") {
		return before, after, false
	}
	entry := MessageEntry(msg, text, speaker)
	entry.Hidden = hidden
	before, after, err := b.Edit(ctx, msg.Chat.ID, entry)
	if errors.Is(err, store.ErrNotInWindow) {
		return before, after, false
	}
	if err != nil {
		b.Degrade("store", err)
		return before, after, false
	}
	return before, after, true
}

// Edit replaces an edited message in chat's window and classifies the
// window again with its new text. It returns the verdict saved before the
// edit (the zero Verdict when there was none) and the new one;
// store.ErrNotInWindow when the message has left the window.
func (b *Room) Edit(ctx context.Context, chat int64, entry store.Entry) (before, after classifier.Verdict, err error) {
	beforeRaw, err := b.Store.Edit(ctx, chat, entry)
	if err != nil {
		return before, after, err
	}
	if beforeRaw != nil {
		if before, err = DecodeVerdict(beforeRaw); err != nil {
			return before, after, fmt.Errorf("edit in chat %d: %w", chat, err)
		}
	}
	for range maxClassifyAttempts {
		current, err := b.Store.Load(ctx, chat)
		if err != nil {
			return before, after, err
		}
		pending := current.Pending(current.Seq)
		if len(pending) == 0 {
			// Another writer classified the edited window already.
			after, err = DecodeVerdict(current.Verdict)
			return before, after, err
		}
		for i := range pending {
			if pending[i].ID == entry.ID {
				pending[i].Text = entry.Text
			}
		}
		after, err = b.classifyAndSave(ctx, chat, current, pending, current.Seq)
		if !errors.Is(err, store.ErrConflict) {
			return before, after, err
		}
	}
	return before, after, fmt.Errorf("classify chat %d after an edit: %w after %d attempts", chat, store.ErrConflict, maxClassifyAttempts)
}

// classifyAndSave continues current's saved state with pending (oldest
// first) and saves the state and verdict as covering message seq, unless
// another writer saved since current was read (store.ErrConflict).
func (b *Room) classifyAndSave(ctx context.Context, chat int64, current store.Conversation, pending []store.Entry, seq int64) (classifier.Verdict, error) {
	verdict, snap, err := b.classifyPending(chat, current, pending, seq)
	if err != nil {
		return verdict, err
	}
	return verdict, b.Store.Save(ctx, chat, snap)
}

// classifyPending continues current's saved state with pending (oldest
// first): the verdict, and the snapshot that saves it as covering message
// seq.
func (b *Room) classifyPending(chat int64, current store.Conversation, pending []store.Entry, seq int64) (classifier.Verdict, store.Snapshot, error) {
	state := classifier.NewState()
	if current.State != nil {
		if err := json.Unmarshal(current.State, state); err != nil {
			return classifier.Verdict{}, store.Snapshot{}, fmt.Errorf("decode classifier state of chat %d: %w", chat, err)
		}
	}
	for _, e := range pending {
		b.Classifier.Observe(state, classifier.Message{From: classifier.Speaker(e.From), Text: e.Text, HiddenSender: e.Hidden})
	}
	verdict := b.Classifier.Verdict(state)
	rawState, err := json.Marshal(state)
	if err != nil {
		return verdict, store.Snapshot{}, fmt.Errorf("encode classifier state of chat %d: %w", chat, err)
	}
	rawVerdict, err := json.Marshal(verdict)
	if err != nil {
		return verdict, store.Snapshot{}, fmt.Errorf("encode verdict of chat %d: %w", chat, err)
	}
	return verdict, store.Snapshot{BaseSeq: current.StateSeq, Seq: seq, State: rawState, Verdict: rawVerdict}, nil
}

// DecodeVerdict reads a verdict the store kept; none is stored before the
// first message is classified.
func DecodeVerdict(raw []byte) (classifier.Verdict, error) {
	var v classifier.Verdict
	if raw == nil {
		return v, nil
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("decode stored verdict: %w", err)
	}
	return v, nil
}

// DecodeAnswer reads an answer the store kept and a burst's claim read
// (store.Folded.LastAnswer), as LoadAnswer does.
func DecodeAnswer(blob []byte) (Answer, error) { return decodeAnswer(blob) }

// EncodeAnswer is a as SaveAnswer stores it, for a caller that stores it
// in a step of its own (store.Store.FinishBurst).
func EncodeAnswer(a Answer) ([]byte, error) { return encodeAnswer(a) }
