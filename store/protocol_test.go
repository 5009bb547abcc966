package store

import (
	"context"
	"errors"
	"fmt"
)

// foldFunc is what a caller does between reading and saving: classify the
// pending messages on top of a saved state (nil for a new conversation)
// and return the new state and the verdict. The tests' folds record which
// texts they saw, so that a lost or doubled message shows.
type foldFunc func(state []byte, pending []Entry) (newState, verdict []byte, err error)

// maxAttempts bounds the retries after a conflict, as the bot does.
const maxAttempts = 5

// record is the caller's side of the protocol the store documents, as the
// bot runs it (bot/conversation.go): Append, classify what the saved state
// has not seen (with the caller's original text for its own message),
// Save; on ErrConflict, Load and classify again. The store tests use it to
// check that Append, Pending and Save's compare-and-set keep every message
// exactly once with writers racing.
func record(ctx context.Context, s *Store, chat int64, msg Entry, fold foldFunc) (Conversation, []byte, error) {
	conv, err := s.Append(ctx, chat, msg)
	if err != nil {
		return Conversation{}, nil, err
	}
	mine, current := conv.Seq, conv
	for range maxAttempts {
		if current.StateSeq >= mine {
			return conv, current.Verdict, nil // another writer classified it
		}
		pending := current.Pending(mine)
		if n := len(pending); n > 0 && pending[n-1].Seq == mine {
			pending[n-1].Text = msg.Text
		}
		state, verdict, err := fold(current.State, pending)
		if err != nil {
			return conv, nil, err
		}
		err = s.Save(ctx, chat, Snapshot{BaseSeq: current.StateSeq, Seq: mine, State: state, Verdict: verdict})
		if !errors.Is(err, ErrConflict) {
			return conv, verdict, err
		}
		if current, err = s.Load(ctx, chat); err != nil {
			return conv, nil, err
		}
	}
	return conv, nil, fmt.Errorf("record message %d of chat %d: %w", mine, chat, ErrConflict)
}

// edit is the caller's side of an edit: Edit, then classify the rewound
// window with the caller's text of the edited message, and Save.
func edit(ctx context.Context, s *Store, chat int64, msg Entry, fold foldFunc) (before, after []byte, err error) {
	if before, err = s.Edit(ctx, chat, msg); err != nil {
		return nil, nil, err
	}
	for range maxAttempts {
		current, err := s.Load(ctx, chat)
		if err != nil {
			return nil, nil, err
		}
		pending := current.Pending(current.Seq)
		for i := range pending {
			if pending[i].ID == msg.ID {
				pending[i].Text = msg.Text
			}
		}
		state, verdict, err := fold(current.State, pending)
		if err != nil {
			return nil, nil, err
		}
		err = s.Save(ctx, chat, Snapshot{BaseSeq: current.StateSeq, Seq: current.Seq, State: state, Verdict: verdict})
		if !errors.Is(err, ErrConflict) {
			return before, verdict, err
		}
	}
	return nil, nil, fmt.Errorf("classify chat %d after an edit: %w", chat, ErrConflict)
}
