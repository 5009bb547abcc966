package telegramtest

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/go-telegram/bot/models"
)

// defaultLongPollCap bounds how long getUpdates holds a request, whatever
// timeout the client asks for (go-telegram/bot asks for 59 s). An update that
// arrives wakes the poll at once, so the cap only bounds how long an idle
// poll keeps the test's HTTP server busy.
const defaultLongPollCap = time.Second

const (
	conflictWebhookActive = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
	conflictOtherPoller   = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)

// notSentByDefault are the kinds of update Telegram holds back while a bot
// has not named its allowed_updates: they must be asked for.
var notSentByDefault = []string{
	models.AllowedUpdateChatMember,
	models.AllowedUpdateMessageReaction,
	models.AllowedUpdateMessageReactionCount,
}

// queuedUpdate is an update waiting to be confirmed by a getUpdates offset.
type queuedUpdate struct {
	id   int64
	kind string // the update's one optional field: "message", "callback_query", ...
	raw  json.RawMessage
}

// Push queues updates for getUpdates, in order. A zero update_id is replaced
// by the next one in sequence. Like Telegram, the fake serves only the kinds
// of update the bot asked for in allowed_updates (by default all but
// chat_member, message_reaction and message_reaction_count); others are
// dropped when a poll comes.
//
// Pushing also teaches the fake about the world: chats and users it then uses
// in answers, messages the bot may delete, groups that migrated to a
// supergroup, and the bot's membership from my_chat_member updates.
func (s *Server) Push(updates ...models.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, update := range updates {
		if update.ID == 0 {
			update.ID = s.lastUpdateID + 1
		}
		// Marshal through a pointer: models.ChatMember and friends only
		// marshal correctly when addressable.
		raw, err := json.Marshal(&update)
		if err != nil {
			s.t.Errorf("telegramtest: Push: encode update %d: %v", update.ID, err)
			continue
		}
		s.enqueueLocked(update, raw)
	}
	s.broadcastLocked()
}

// PushJSON queues updates given as raw JSON, for shapes the builders do not
// make. Each must decode into models.Update (so that go-telegram/bot can read
// it); a missing or zero update_id is assigned as in Push. An update that
// does not decode fails the test and is not queued.
func (s *Server) PushJSON(rawUpdates ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rawUpdate := range rawUpdates {
		var fields map[string]json.RawMessage
		var update models.Update
		if err := json.Unmarshal([]byte(rawUpdate), &fields); err != nil {
			s.t.Errorf("telegramtest: PushJSON: not a JSON object: %v\n%s", err, rawUpdate)
			continue
		}
		if err := json.Unmarshal([]byte(rawUpdate), &update); err != nil {
			s.t.Errorf("telegramtest: PushJSON: does not decode into models.Update: %v\n%s", err, rawUpdate)
			continue
		}
		if update.ID == 0 {
			update.ID = s.lastUpdateID + 1
			fields["update_id"], _ = json.Marshal(update.ID)
		}
		raw, _ := json.Marshal(fields) // re-encoding decoded JSON cannot fail
		s.enqueueLocked(update, raw)
	}
	s.broadcastLocked()
}

// enqueueLocked queues one encoded update and learns from it.
func (s *Server) enqueueLocked(update models.Update, raw json.RawMessage) {
	s.lastUpdateID = max(s.lastUpdateID, update.ID)
	s.updates = append(s.updates, queuedUpdate{id: update.ID, kind: updateKind(raw), raw: raw})
	s.learnLocked(update)
}

// updateKind names the update's type: the field other than update_id.
func updateKind(raw json.RawMessage) string {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields) // raw was produced by json.Marshal
	for name := range fields {
		if name != "update_id" {
			return name
		}
	}
	return ""
}

// AllowedUpdates returns the allowed_updates the bot last sent with
// getUpdates or setWebhook (Telegram remembers one list for both), or nil if
// it never sent any.
func (s *Server) AllowedUpdates() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.allowedUpdates)
}

// getUpdates serves https://core.telegram.org/bots/api#getupdates.
func (s *Server) getUpdates(ctx context.Context, p params) reply {
	offset, failed := p.int("offset", 0)
	if failed != nil {
		return *failed
	}
	limit, failed := p.int("limit", 100)
	if failed != nil {
		return *failed
	}
	limit = min(max(limit, 1), 100)
	timeoutSeconds, failed := p.int("timeout", 0)
	if failed != nil {
		return *failed
	}
	allowed, allowedSent, failed := p.stringList("allowed_updates")
	if failed != nil {
		return *failed
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook.url != "" {
		return failure(http.StatusConflict, conflictWebhookActive)
	}
	if allowedSent {
		s.allowedUpdates = allowed
	}
	// A newer poll ends an older one that is still waiting, as on Telegram;
	// two bot instances polling one token is a bug worth seeing.
	s.pollGeneration++
	generation := s.pollGeneration
	s.broadcastLocked()
	s.confirmLocked(offset)

	wait := time.NewTimer(min(time.Duration(timeoutSeconds)*time.Second, s.longPollCap))
	defer wait.Stop()
	for {
		if generation != s.pollGeneration {
			return failure(http.StatusConflict, conflictOtherPoller)
		}
		batch := s.pendingLocked(int(limit))
		if len(batch) > 0 || timeoutSeconds <= 0 {
			return ok(batch)
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
			s.mu.Lock()
		case <-wait.C:
			s.mu.Lock()
			return ok(s.pendingLocked(int(limit)))
		case <-ctx.Done():
			s.mu.Lock()
			return ok([]json.RawMessage{})
		case <-s.closing:
			s.mu.Lock()
			return ok([]json.RawMessage{})
		}
	}
}

// confirmLocked applies a getUpdates offset: a positive one confirms every
// update below it, which is then never served again; a negative one keeps only
// the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		s.updates = slices.DeleteFunc(s.updates, func(u queuedUpdate) bool { return u.id < offset })
	case offset < 0 && int64(len(s.updates)) > -offset:
		s.updates = slices.Clone(s.updates[int64(len(s.updates))+offset:])
	}
}

// pendingLocked returns up to limit unconfirmed updates, dropping the ones of
// kinds the bot did not ask for.
func (s *Server) pendingLocked(limit int) []json.RawMessage {
	s.updates = slices.DeleteFunc(s.updates, func(u queuedUpdate) bool { return !s.wantedLocked(u.kind) })
	batch := []json.RawMessage{}
	for _, update := range s.updates {
		if len(batch) == limit {
			break
		}
		batch = append(batch, update.raw)
	}
	return batch
}

func (s *Server) wantedLocked(kind string) bool {
	if len(s.allowedUpdates) == 0 {
		// Never sent, or sent empty: both mean Telegram's default.
		return !slices.Contains(notSentByDefault, kind)
	}
	return slices.Contains(s.allowedUpdates, kind)
}

// learnLocked records what an update tells about chats, users, messages and
// memberships, so that later answers agree with it.
func (s *Server) learnLocked(update models.Update) {
	for _, message := range []*models.Message{update.Message, update.EditedMessage, update.ChannelPost, update.EditedChannelPost} {
		if message == nil {
			continue
		}
		s.chats[message.Chat.ID] = message.Chat
		if message.From != nil {
			s.users[message.From.ID] = *message.From
		}
		for _, member := range message.NewChatMembers {
			s.users[member.ID] = member
		}
		if message.MigrateToChatID != 0 {
			s.migratedTo[message.Chat.ID] = message.MigrateToChatID
		}
		key := messageKey{chatID: message.Chat.ID, messageID: message.ID}
		stored := s.messages[key]
		if stored == nil {
			stored = &storedMessage{}
			s.messages[key] = stored
		}
		stored.chat = message.Chat
		stored.date = int64(message.Date)
		stored.fromBot = message.From != nil && message.From.ID == botUser.ID
		stored.text = parsedText{Text: message.Text, Entities: message.Entities}
	}
	if query := update.CallbackQuery; query != nil {
		s.users[query.From.ID] = query.From
	}
	for _, change := range []*models.ChatMemberUpdated{update.MyChatMember, update.ChatMember} {
		if change == nil {
			continue
		}
		s.chats[change.Chat.ID] = change.Chat
		if member, status := memberOf(change.NewChatMember); member != nil {
			s.members[memberKey{chatID: change.Chat.ID, userID: member.ID}] = status
		}
	}
}

// memberOf unpacks go-telegram/bot's one-pointer-per-status ChatMember.
func memberOf(member models.ChatMember) (*models.User, string) {
	switch {
	case member.Owner != nil:
		return member.Owner.User, string(models.ChatMemberTypeOwner)
	case member.Administrator != nil:
		return &member.Administrator.User, string(models.ChatMemberTypeAdministrator)
	case member.Member != nil:
		return member.Member.User, string(models.ChatMemberTypeMember)
	case member.Restricted != nil:
		return member.Restricted.User, string(models.ChatMemberTypeRestricted)
	case member.Left != nil:
		return member.Left.User, string(models.ChatMemberTypeLeft)
	case member.Banned != nil:
		return member.Banned.User, string(models.ChatMemberTypeBanned)
	}
	return nil, ""
}
