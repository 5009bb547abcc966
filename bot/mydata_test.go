package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/sendqueue"
	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/redact"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
)

// myDataFile is the /mydata document as the user receives it.
type myDataFile struct {
	Chat  int64              `json:"chat"`
	Items []store.StoredItem `json:"items"`
}

func (h *harness) myData(t *testing.T, chat int64, n int) myDataFile {
	t.Helper()
	h.api.Push(telegramtest.Text(chat, chat, "/mydata"))
	var docs []telegramtest.Call
	waitFor(t, "the /mydata file", func() bool {
		docs = nil
		for _, c := range h.api.Calls("sendDocument") {
			if c.Params["chat_id"] == itoa(chat) && !c.Failed {
				docs = append(docs, c)
			}
		}
		return len(docs) >= n
	})
	doc := docs[n-1]
	if !strings.HasSuffix(doc.Params["document.filename"], ".json") {
		t.Errorf("the file is named %q", doc.Params["document.filename"])
	}
	var file myDataFile
	if err := json.Unmarshal([]byte(doc.Params["document"]), &file); err != nil {
		t.Fatalf("the /mydata file is not JSON: %v\n%.300s", err, doc.Params["document"])
	}
	return file
}

func TestMyDataListsEverythingAndForgetRemovesItModeratorsCopiesIncluded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const chat = 8401
	h.forwardBurst(chat, foundingScam...)
	reply := h.waitSent(chat, 1)[0]
	human := buttonData(t, reply, "human")
	h.api.Push(telegramtest.Callback(chat, chat, 0, human))
	card := h.waitSent(modChat, 1)[0]
	var cardMessage struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(card.Result, &cardMessage); err != nil {
		t.Fatal(err)
	}

	file := h.myData(t, chat, 1)
	byKey := map[string]store.StoredItem{}
	for _, item := range file.Items {
		byKey[item.Key] = item
	}
	caseKey := "{review}:case:" + caseIDOf(human)
	for _, key := range []string{"{c:8401}:msgs", "{c:8401}:conv", "{c:8401}:settings", caseKey} {
		item, ok := byKey[key]
		switch {
		case !ok:
			t.Errorf("/mydata lacks %s; it lists %v", key, keysOf(byKey))
		case item.Expires == nil || item.Expires.Before(time.Now()):
			t.Errorf("/mydata gives %s no expiry in the future: %v", key, item.Expires)
		case item.What == "":
			t.Errorf("/mydata does not say what %s is", key)
		}
	}
	if window, _ := json.Marshal(byKey["{c:8401}:msgs"].Value); !strings.Contains(string(window), "text") {
		t.Errorf("the window is not shown as messages: %.200s", window)
	}

	h.api.Push(telegramtest.Text(chat, chat, "/forget"))
	waitFor(t, "the forget confirmation", func() bool {
		sent := h.sent(chat)
		return strings.Contains(sent[len(sent)-1].Params["text"], "Deleted") || strings.Contains(sent[len(sent)-1].Params["text"], "删除")
	})
	if left := h.keysAfterForget(chat); len(left) != 0 {
		t.Errorf("after /forget the chat still has keys %v", left)
	}
	if _, err := h.review.Case(context.Background(), caseIDOf(human)); !errors.Is(err, review.ErrNotFound) {
		t.Errorf("after /forget the case reads %v, want not found", err)
	}
	// The card stays, edited to say the user deleted it: no transcript,
	// no buttons.
	edited := h.api.WaitCalls(t, "editMessageText", 1, 10*time.Second)[0]
	if edited.Params["chat_id"] != itoa(modChat) || edited.Params["message_id"] != itoa(int64(cardMessage.MessageID)) {
		t.Errorf("edited %v, want the card %d in the moderators' chat", edited.Params, cardMessage.MessageID)
	}
	contains(t, edited.Params["text"], "Deleted by the user")
	for _, line := range foundingScam {
		if strings.Contains(edited.Params["text"], line[:12]) {
			t.Errorf("the deleted card still quotes the conversation: %s", edited.Params["text"])
		}
	}
	if buttons := buttonsOf(edited); len(buttons) != 0 {
		t.Errorf("the deleted card keeps buttons %v", buttons)
	}
	if !strings.Contains(edited.Params["reply_markup"], "inline_keyboard") {
		t.Errorf("the edit does not replace the card's buttons (reply_markup %q)", edited.Params["reply_markup"])
	}
	if n := len(h.api.Calls("deleteMessage")); n != 0 {
		t.Errorf("/forget deleted %d messages; the card is edited instead", n)
	}
	if again := h.myData(t, chat, 2); len(again.Items) != 0 {
		t.Errorf("after /forget /mydata still lists %d items: %+v", len(again.Items), again.Items)
	}
}

func keysOf(m map[string]store.StoredItem) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// TestMyDataListsWhatWaitsToBeSentRedacted: an answer held in the send
// queue (Telegram answered 429) is in the /mydata file made meanwhile,
// its text redacted as the rest of the file is; once it is sent, the file
// lists its sent-mark instead, and no queue.
func TestMyDataListsWhatWaitsToBeSentRedacted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const chat = 8402
	const phone = "13812345678"
	h.api.Fail("sendMessage", http.StatusTooManyRequests, 3, 1)
	h.forwardBurst(chat, append(slices.Clone(foundingScam), "有问题打我电话 "+phone+" 随时找我")...)
	h.api.WaitCalls(t, "sendMessage", 1, 15*time.Second) // the 429: the answer waits
	file := h.myData(t, chat, 1)
	answer := h.waitSent(chat, 1)[0]

	byKey := map[string]store.StoredItem{}
	for _, item := range file.Items {
		byKey[item.Key] = item
	}
	queue, ok := byKey["{c:8402}:sendq"]
	if !ok {
		t.Fatalf("/mydata made while the answer waited does not list the send queue; it lists %v", keysOf(byKey))
	}
	if queue.What == "" || queue.Expires == nil || queue.Expires.Before(time.Now()) {
		t.Errorf("the send queue's entry: what %q, expires %v", queue.What, queue.Expires)
	}
	encoded, _ := json.Marshal(queue.Value)
	var waiting []sendqueue.Waiting
	if err := json.Unmarshal(encoded, &waiting); err != nil || len(waiting) != 1 {
		t.Fatalf("the send queue lists %s, want the one answer waiting", encoded)
	}
	var params struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(waiting[0].Params, &params); err != nil {
		t.Fatal(err)
	}
	if waiting[0].Method != "sendMessage" || params.Text != redact.Personal(answer.Params["text"]) {
		t.Errorf("the send queue lists %s %.200q, want the answer as sent, redacted: %.200q", waiting[0].Method, params.Text, redact.Personal(answer.Params["text"]))
	}
	if !strings.Contains(answer.Params["text"], phone) {
		t.Logf("the answer does not quote the phone number; redaction is checked on its text as it is")
	}
	if strings.Contains(string(encoded), phone) {
		t.Errorf("/mydata shows the waiting answer unredacted: %.300s", encoded)
	}
	if _, ok := byKey["{c:8402}:sendm"]; !ok {
		t.Errorf("/mydata made while the answer waited does not list the chat's pace and claim; it lists %v", keysOf(byKey))
	}

	after := h.myData(t, chat, 2)
	byKey = map[string]store.StoredItem{}
	for _, item := range after.Items {
		byKey[item.Key] = item
	}
	if _, ok := byKey["{c:8402}:sendq"]; ok {
		t.Errorf("/mydata still lists a send queue after the answer was sent: %+v", byKey["{c:8402}:sendq"])
	}
	sent, ok := byKey["{c:8402}:sent"]
	if !ok {
		t.Fatalf("/mydata does not list the sent-marks; it lists %v", keysOf(byKey))
	}
	if marks, _ := json.Marshal(sent.Value); !strings.Contains(string(marks), "answer:") {
		t.Errorf("the sent-marks do not name the answer: %s", marks)
	}
}
