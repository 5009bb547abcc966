package private

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/conversation"
	"github.com/scamguard/scamguard/bot/sendqueue"
	"github.com/scamguard/scamguard/store"
)

// myData is the /mydata file: everything the store holds about a private
// chat and its user, and when each piece goes.
type myData struct {
	Generated time.Time `json:"generated"`
	Chat      int64     `json:"chat"`
	User      int64     `json:"user"`
	// About says what else exists and is not in the list, so the file
	// is honest about its edges.
	About string             `json:"about"`
	Items []store.StoredItem `json:"items"`
}

// myDataAbout is the note at the top of the /mydata file.
const myDataAbout = "Every key the bot keeps about this chat and you, read at the time above. Texts are stored redacted " +
	"(numbers, e-mail and street addresses, names replaced by placeholders). 'expires' is when it is deleted by itself; " +
	"/forget deletes it all now, review cases and the moderators' cards included. Not listed: a guardian invitation you " +
	"made and nobody accepted yet (deleted 24 h after it was made), de-duplication marks of update ids (no content, 24 h), " +
	"fingerprints of scripts moderators confirmed (hashes, no text, not linked to you)."

// sendMyData sends the user a JSON file of what is stored about them.
func (b *Chats) sendMyData(ctx context.Context, chat int64, from *models.User, t conversation.UITexts) {
	user := int64(0)
	if from != nil {
		user = from.ID
	}
	items, err := b.Store.DataOf(ctx, chat, user)
	if err == nil {
		// The send queue keeps its own keys: what waits to be sent
		// (an answer quotes the chat's messages), pace, sent-marks.
		var queued []store.StoredItem
		queued, err = b.Send.DataOf(ctx, chat)
		items = append(items, queued...)
	}
	if err != nil {
		b.Degrade("store", err)
		b.SendText(chat, false, "mydata", t.MyDataFailed, 0)
		return
	}
	doc, err := json.MarshalIndent(myData{Generated: time.Now().UTC().Truncate(time.Second), Chat: chat, User: user, About: myDataAbout, Items: items}, "", "  ")
	if err != nil {
		b.Log.Error("encode /mydata", "chat", chat, "err", err)
		b.SendText(chat, false, "mydata", t.MyDataFailed, 0)
		return
	}
	name := fmt.Sprintf("scamguard-mydata-%d.json", chat)
	b.Send.Send(chat, false, "mydata", sendqueue.Message{Method: "sendDocument",
		Params: map[string]any{"caption": t.MyDataCaption},
		Upload: &sendqueue.Upload{Field: "document", Filename: name, Data: doc}})
}
