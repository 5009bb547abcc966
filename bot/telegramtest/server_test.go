package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// newClient is the real go-telegram/bot client pointed at srv.
func newClient(t *testing.T, srv *Server, options ...bot.Option) *bot.Bot {
	t.Helper()
	options = append([]bot.Option{bot.WithServerURL(srv.URL()), bot.WithErrorsHandler(func(error) {})}, options...)
	client, err := bot.New(srv.Token(), options...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return client
}

// rawResponse is a Bot API answer as the wire carries it.
type rawResponse struct {
	status      int
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  map[string]int  `json:"parameters"`
}

// post sends a request by hand, for what the client library cannot send.
func post(t *testing.T, target, contentType, body string) rawResponse {
	t.Helper()
	answer, err := postRaw(target, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	return answer
}

// postRaw is post for goroutines other than the test's.
func postRaw(target, contentType, body string) (rawResponse, error) {
	response, err := http.Post(target, contentType, strings.NewReader(body))
	if err != nil {
		return rawResponse{}, err
	}
	defer response.Body.Close()
	raw, err := io.ReadAll(response.Body)
	if err != nil {
		return rawResponse{}, fmt.Errorf("read answer of %s: %w", target, err)
	}
	answer := rawResponse{status: response.StatusCode}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return rawResponse{}, fmt.Errorf("answer of %s is not JSON: %w\n%s", target, err, raw)
	}
	return answer, nil
}

func methodURL(srv *Server, method string) string {
	return srv.URL() + "/bot" + srv.Token() + "/" + method
}

// waitUntil waits for a condition on the fake's state, re-checking it at
// every change; it fails the test after five seconds.
func waitUntil(t *testing.T, srv *Server, what string, condition func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		srv.mu.Lock()
		done, changed := condition(), srv.changed
		srv.mu.Unlock()
		if done {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func TestGetMeAnswersTheBotUser(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)

	me, err := client.GetMe(context.Background())
	if err != nil {
		t.Fatalf("GetMe: %v", err)
	}
	if *me != srv.BotUser() || !me.IsBot || me.Username != "scamguard_test_bot" {
		t.Errorf("GetMe = %+v, want the bot user %+v", *me, srv.BotUser())
	}
	if me.ID != client.ID() {
		t.Errorf("bot id %d does not match the id in the token (%d)", me.ID, client.ID())
	}
	if calls := srv.Calls("getme"); len(calls) != 2 { // bot.New calls getMe too
		t.Errorf("recorded %d getMe calls, want 2", len(calls))
	}
}

func TestWrongTokenIsUnauthorized(t *testing.T) {
	srv := New(t)

	_, err := bot.New("7000000001:wrong", bot.WithServerURL(srv.URL()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("bot.New with a wrong token: error %v, want bot.ErrorUnauthorized", err)
	}

	answer := post(t, srv.URL()+"/bot123:nope/getMe", "", "")
	if answer.status != http.StatusUnauthorized || answer.OK || answer.ErrorCode != 401 || answer.Description != "Unauthorized" {
		t.Errorf("wrong token answered %+v, want 401 Unauthorized", answer)
	}
	if calls := srv.Calls("getMe"); len(calls) != 2 || !calls[1].Failed || calls[1].Code != 401 {
		t.Errorf("rejected calls not recorded as failed: %+v", calls)
	}
}

func TestUnknownMethodIsNotFound(t *testing.T) {
	srv := New(t)
	answer := post(t, methodURL(srv, "sendTelepathy"), "", "")
	if answer.status != http.StatusNotFound || answer.ErrorCode != 404 || answer.Description != "Not Found" {
		t.Errorf("unknown method answered %+v, want 404 Not Found", answer)
	}
}

func TestGetUpdatesHonoursOffsetAndLimit(t *testing.T) {
	srv := New(t)
	srv.Push(Text(1, 1, "one"), Text(1, 1, "two"))
	srv.PushJSON(`{"message":{"message_id":900,"date":1700000000,"chat":{"id":1,"type":"private"},"text":"three"}}`)

	getUpdates := func(form url.Values) []models.Update {
		t.Helper()
		answer := post(t, methodURL(srv, "getUpdates"), "application/x-www-form-urlencoded", form.Encode())
		var updates []models.Update
		if err := json.Unmarshal(answer.Result, &updates); !answer.OK || err != nil {
			t.Fatalf("getUpdates %v answered %+v (%v)", form, answer, err)
		}
		return updates
	}
	texts := func(updates []models.Update) (got []string) {
		for _, update := range updates {
			got = append(got, update.Message.Text)
		}
		return got
	}

	all := getUpdates(url.Values{})
	if got := texts(all); !slices.Equal(got, []string{"one", "two", "three"}) {
		t.Fatalf("first getUpdates served %q, want one, two, three in order", got)
	}
	if all[0].ID != 1 || all[1].ID != 2 || all[2].ID != 3 {
		t.Errorf("update ids %d, %d, %d; want 1, 2, 3 assigned in order", all[0].ID, all[1].ID, all[2].ID)
	}
	if got := texts(getUpdates(url.Values{"limit": {"1"}})); !slices.Equal(got, []string{"one"}) {
		t.Errorf("limit=1 served %q, want only the first", got)
	}
	if got := texts(getUpdates(url.Values{"offset": {"3"}})); !slices.Equal(got, []string{"three"}) {
		t.Errorf("offset=3 served %q, want only the third", got)
	}
	if got := texts(getUpdates(url.Values{"offset": {"1"}})); !slices.Equal(got, []string{"three"}) {
		t.Errorf("after confirming up to 3, offset=1 served %q, want confirmed updates gone", got)
	}
}

func TestGetUpdatesLongPollEndsWhenAnUpdateArrives(t *testing.T) {
	srv := New(t)
	srv.mu.Lock()
	srv.longPollCap = time.Hour // so only the pushed update can end the poll
	srv.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	served := make(chan []models.Update, 1)
	go func() {
		request, _ := http.NewRequestWithContext(ctx, http.MethodGet, methodURL(srv, "getUpdates")+"?timeout=50", nil)
		response, err := http.DefaultClient.Do(request)
		if err != nil {
			served <- nil
			return
		}
		defer response.Body.Close()
		var answer struct{ Result []models.Update }
		_ = json.NewDecoder(response.Body).Decode(&answer)
		served <- answer.Result
	}()
	waitUntil(t, srv, "the poll is waiting", func() bool { return srv.pollGeneration == 1 })
	srv.Push(Text(5, 5, "wake up"))

	updates := <-served
	if len(updates) != 1 || updates[0].Message.Text != "wake up" {
		t.Errorf("long poll served %+v, want the update pushed while it waited", updates)
	}
}

func TestGetUpdatesLongPollGivesUpAtTheCap(t *testing.T) {
	srv := New(t)
	srv.mu.Lock()
	srv.longPollCap = 10 * time.Millisecond
	srv.mu.Unlock()

	answer := post(t, methodURL(srv, "getUpdates")+"?timeout=50", "", "")
	if !answer.OK || string(answer.Result) != "[]" {
		t.Errorf("idle long poll answered %+v, want ok with []", answer)
	}
}

func TestSecondPollerEndsTheFirstWithConflict(t *testing.T) {
	srv := New(t)
	srv.mu.Lock()
	srv.longPollCap = time.Hour
	srv.mu.Unlock()

	first := make(chan rawResponse, 1)
	go func() {
		answer, _ := postRaw(methodURL(srv, "getUpdates")+"?timeout=50", "", "")
		first <- answer
	}()
	waitUntil(t, srv, "the first poll is waiting", func() bool { return srv.pollGeneration == 1 })
	post(t, methodURL(srv, "getUpdates"), "", "") // timeout 0: answers at once

	answer := <-first
	if answer.status != http.StatusConflict || !strings.Contains(answer.Description, "terminated by other getUpdates request") {
		t.Errorf("first poll answered %+v, want 409 terminated by other getUpdates request", answer)
	}
}

func TestBotReceivesPushedUpdatesInOrder(t *testing.T) {
	srv := New(t)
	received := make(chan *models.Update, 10)
	client := newClient(t, srv,
		bot.WithNotAsyncHandlers(),
		bot.WithAllowedUpdates(bot.AllowedUpdates{models.AllowedUpdateMessage, models.AllowedUpdateCallbackQuery}),
		bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, update *models.Update) { received <- update }),
	)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go client.Start(ctx)

	// my_chat_member was not asked for, so Telegram, and the fake, drop it.
	srv.Push(Text(7, 7, "/start"), MyChatMember(7, User(7, "Ann"), "member", "kicked"), Text(7, 7, "second"), Callback(7, 7, 1, "case:1"))

	var got []string
	for len(got) < 3 {
		select {
		case update := <-received:
			switch {
			case update.Message != nil:
				got = append(got, update.Message.Text)
			case update.CallbackQuery != nil:
				got = append(got, "callback "+update.CallbackQuery.Data)
			default:
				got = append(got, "unexpected update")
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("bot received only %q", got)
		}
	}
	if want := []string{"/start", "second", "callback case:1"}; !slices.Equal(got, want) {
		t.Errorf("bot received %q, want %q", got, want)
	}
	if want := []string{"message", "callback_query"}; !slices.Equal(srv.AllowedUpdates(), want) {
		t.Errorf("AllowedUpdates = %q, want %q", srv.AllowedUpdates(), want)
	}
	waitUntil(t, srv, "the bot confirms every update", func() bool { return len(srv.updates) == 0 })
}

func TestSendMessageIsRecordedAndAnsweredLikeTelegram(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	keyboard := models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{
		{Text: "Yes, it's a scam", CallbackData: "verdict:42:scam"},
		{Text: "Official site", URL: "https://www.paypal.com/"},
	}}}

	sent, err := client.SendMessage(context.Background(), &bot.SendMessageParams{
		ChatID:          int64(42),
		Text:            "<b>Warning:</b> &lt;refund&gt; scam",
		ParseMode:       models.ParseModeHTML,
		ReplyMarkup:     keyboard,
		ReplyParameters: &models.ReplyParameters{MessageID: 17, AllowSendingWithoutReply: true},
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}

	if sent.ID == 0 || sent.Chat.ID != 42 || sent.Chat.Type != models.ChatTypePrivate || sent.Date == 0 || sent.From == nil || sent.From.ID != srv.BotUser().ID {
		t.Errorf("answered message %+v lacks id, chat, date or bot sender", sent)
	}
	if sent.Text != "Warning: <refund> scam" {
		t.Errorf("answered text %q, want the visible text without tags", sent.Text)
	}
	if want := []models.MessageEntity{{Type: "bold", Offset: 0, Length: 8}}; !(parsedText{Entities: sent.Entities}).equal(parsedText{Entities: want}) {
		t.Errorf("answered entities %+v, want %+v", sent.Entities, want)
	}
	if sent.ReplyMarkup == nil || sent.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "verdict:42:scam" {
		t.Errorf("answered reply_markup %+v, want the keyboard echoed", sent.ReplyMarkup)
	}

	calls := srv.Calls("sendMessage")
	if len(calls) != 1 {
		t.Fatalf("recorded %d sendMessage calls, want 1", len(calls))
	}
	call := calls[0]
	if call.Params["chat_id"] != "42" || call.Params["parse_mode"] != "HTML" || call.Failed || call.Code != 200 || call.At.IsZero() {
		t.Errorf("recorded call %+v", call)
	}
	var gotKeyboard models.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(call.Params["reply_markup"]), &gotKeyboard); err != nil || gotKeyboard.InlineKeyboard[0][1].URL != "https://www.paypal.com/" {
		t.Errorf("recorded reply_markup %s does not decode to the keyboard (%v)", call.Params["reply_markup"], err)
	}
	var gotReply models.ReplyParameters
	if err := json.Unmarshal([]byte(call.Params["reply_parameters"]), &gotReply); err != nil || gotReply.MessageID != 17 || !gotReply.AllowSendingWithoutReply {
		t.Errorf("recorded reply_parameters %s, want message 17 (%v)", call.Params["reply_parameters"], err)
	}
	var recorded models.Message
	if err := json.Unmarshal(call.Result, &recorded); err != nil || recorded.ID != sent.ID {
		t.Errorf("recorded result %s, want the message %d (%v)", call.Result, sent.ID, err)
	}

	next, err := client.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: int64(42), Text: "again"})
	if err != nil || next.ID <= sent.ID {
		t.Errorf("second message id %d (err %v), want above %d", next.ID, err, sent.ID)
	}
}

func TestParamsDecodeFromEveryEncoding(t *testing.T) {
	tests := []struct {
		name        string
		query       string
		contentType string
		body        string
	}{
		{"JSON body", "", "application/json", `{"chat_id":42,"text":"hi","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}}`},
		{"urlencoded body", "", "application/x-www-form-urlencoded", url.Values{"chat_id": {"42"}, "text": {"hi"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}`}}.Encode()},
		{"query string", "?" + url.Values{"chat_id": {"42"}, "text": {"hi"}, "reply_markup": {`{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}`}}.Encode(), "", ""},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			srv := New(t)
			answer := post(t, methodURL(srv, "sendMessage")+test.query, test.contentType, test.body)
			if !answer.OK {
				t.Fatalf("sendMessage answered %+v", answer)
			}
			params := srv.Calls("sendMessage")[0].Params
			if params["chat_id"] != "42" || params["text"] != "hi" || params["reply_markup"] != `{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}` {
				t.Errorf("decoded params %q", params)
			}
		})
	}
}

func TestSendMessageValidation(t *testing.T) {
	tests := []struct {
		name    string
		params  bot.SendMessageParams
		wantErr string // "" means accepted
	}{
		{"plain text", bot.SendMessageParams{Text: "hello"}, ""},
		{"empty text", bot.SendMessageParams{Text: ""}, "Bad Request: message text is empty"},
		{"only spaces", bot.SendMessageParams{Text: " \n "}, "Bad Request: message text is empty"},
		{"only empty tags", bot.SendMessageParams{Text: "<b></b>", ParseMode: models.ParseModeHTML}, "Bad Request: message text is empty"},
		{"unescaped user text", bot.SendMessageParams{Text: "<b>Sender:</b> <scammer@evil.example>", ParseMode: models.ParseModeHTML}, `Bad Request: can't parse entities: Unsupported start tag "scammer@evil.example" at byte offset 15`},
		{"unclosed tag", bot.SendMessageParams{Text: "<b>Warning", ParseMode: models.ParseModeHTML}, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"line break tag", bot.SendMessageParams{Text: "a<br/>b", ParseMode: models.ParseModeHTML}, `Bad Request: can't parse entities: Unsupported start tag "br/" at byte offset 1`},
		{"same text unparsed is fine", bot.SendMessageParams{Text: "a<br/>b"}, ""},
		{"4096 units after decoding", bot.SendMessageParams{Text: strings.Repeat("&lt;", 4096), ParseMode: models.ParseModeHTML}, ""},
		{"4097 units", bot.SendMessageParams{Text: strings.Repeat("a", 4097)}, "Bad Request: message is too long"},
		{"emoji count twice", bot.SendMessageParams{Text: strings.Repeat("😀", 2049)}, "Bad Request: message is too long"},
		{"unsupported parse mode", bot.SendMessageParams{Text: "x", ParseMode: "BBCode"}, "Bad Request: unsupported parse_mode"},
		{"callback data of 64 bytes", bot.SendMessageParams{Text: "x", ReplyMarkup: oneButton(strings.Repeat("d", 64))}, ""},
		{"callback data of 65 bytes", bot.SendMessageParams{Text: "x", ReplyMarkup: oneButton(strings.Repeat("d", 65))}, "Bad Request: BUTTON_DATA_INVALID"},
		{"button that does nothing", bot.SendMessageParams{Text: "x", ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "?"}}}}}, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"reply keyboard", bot.SendMessageParams{Text: "x", ReplyMarkup: models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{{{Text: "Yes"}}}}}, ""},
	}
	srv := New(t)
	client := newClient(t, srv)
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			params := test.params
			params.ChatID = int64(42)
			_, err := client.SendMessage(context.Background(), &params)
			switch {
			case test.wantErr == "" && err != nil:
				t.Errorf("SendMessage rejected: %v", err)
			case test.wantErr != "" && (!errors.Is(err, bot.ErrorBadRequest) || !strings.HasSuffix(err.Error(), test.wantErr)):
				t.Errorf("SendMessage error %v, want bad request %q", err, test.wantErr)
			}
		})
	}
}

func oneButton(callbackData string) models.InlineKeyboardMarkup {
	return models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "b", CallbackData: callbackData}}}}
}

func TestSendMessageWithoutChatID(t *testing.T) {
	srv := New(t)
	answer := post(t, methodURL(srv, "sendMessage"), "application/json", `{"text":"hi"}`)
	if answer.status != 400 || answer.Description != "Bad Request: chat_id is empty" {
		t.Errorf("sendMessage without chat_id answered %+v", answer)
	}
}

func TestScriptedFailures(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	send := func() error {
		_, err := client.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: int64(1), Text: "hi"})
		return err
	}

	srv.Fail("sendMessage", http.StatusTooManyRequests, 7, 1)
	var tooMany *bot.TooManyRequestsError
	if err := send(); !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Errorf("scripted 429: error %v, want *bot.TooManyRequestsError with RetryAfter 7", err)
	}
	if err := send(); err != nil {
		t.Errorf("call after the one scripted failure: %v", err)
	}

	for _, code := range []int{http.StatusInternalServerError, http.StatusBadGateway} {
		srv.Fail("sendmessage", code, 0, 1)
		if err := send(); err == nil || errors.As(err, &tooMany) {
			t.Errorf("scripted %d: error %v, want a plain error", code, err)
		}
	}

	srv.Fail("sendMessage", http.StatusForbidden, 0, 1)
	if err := send(); !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("scripted 403: error %v, want bot.ErrorForbidden", err)
	}

	var codes []int
	for _, call := range srv.Calls("sendMessage") {
		if call.Failed != (call.Code != 200) {
			t.Errorf("call %+v: Failed disagrees with Code", call)
		}
		codes = append(codes, call.Code)
	}
	if want := []int{429, 200, 500, 502, 403}; !slices.Equal(codes, want) {
		t.Errorf("recorded codes %v, want %v", codes, want)
	}
	if failed := srv.Calls("sendMessage")[0]; failed.Error != "Too Many Requests: retry after 7" {
		t.Errorf("recorded error %q", failed.Error)
	}
}

func TestEditingFollowsTelegramRules(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	ctx := context.Background()
	sent, err := client.SendMessage(ctx, &bot.SendMessageParams{ChatID: int64(42), Text: "Checking…", ReplyMarkup: oneButton("cancel")})
	if err != nil {
		t.Fatal(err)
	}

	_, err = client.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: int64(42), MessageID: sent.ID, Text: "Checking…", ReplyMarkup: oneButton("cancel")})
	if err == nil || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("edit to the same content: error %v, want message is not modified", err)
	}
	edited, err := client.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: int64(42), MessageID: sent.ID, Text: "<i>Scam</i>", ParseMode: models.ParseModeHTML})
	if err != nil || edited.Text != "Scam" || edited.EditDate == 0 || edited.ReplyMarkup != nil {
		t.Errorf("edit: %+v, %v; want new text, edit_date and the keyboard gone", edited, err)
	}
	withKeyboard, err := client.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: int64(42), MessageID: sent.ID, ReplyMarkup: oneButton("undo")})
	if err != nil || withKeyboard.ReplyMarkup == nil || withKeyboard.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "undo" {
		t.Errorf("edit reply markup: %+v, %v", withKeyboard, err)
	}
	if _, err := client.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: int64(42), MessageID: 999999, Text: "x"}); err == nil || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("edit of an unknown message: error %v", err)
	}
	userMessage := Text(42, 42, "hi")
	srv.Push(userMessage)
	if _, err := client.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: int64(42), MessageID: userMessage.Message.ID, Text: "x"}); err == nil || !strings.Contains(err.Error(), "message can't be edited") {
		t.Errorf("edit of the user's message: error %v", err)
	}

	if ok, err := client.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: int64(42), MessageID: userMessage.Message.ID}); !ok || err != nil {
		t.Errorf("delete: %v, %v", ok, err)
	}
	if _, err := client.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: int64(42), MessageID: userMessage.Message.ID}); err == nil || !strings.Contains(err.Error(), "message to delete not found") {
		t.Errorf("second delete: error %v, want message to delete not found", err)
	}
}

func TestAnswerCallbackQueryOnce(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	query := Callback(42, 42, 1, "case:1")
	params := &bot.AnswerCallbackQueryParams{CallbackQueryID: query.CallbackQuery.ID, Text: "Thanks"}

	if ok, err := client.AnswerCallbackQuery(context.Background(), params); !ok || err != nil {
		t.Errorf("answer: %v, %v", ok, err)
	}
	if _, err := client.AnswerCallbackQuery(context.Background(), params); err == nil || !strings.Contains(err.Error(), "query is too old") {
		t.Errorf("second answer: error %v, want query is too old", err)
	}
}

func TestChatMembers(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	ctx := context.Background()
	const group = int64(-1001234567890)
	for user, status := range map[int64]string{1: "creator", 2: "administrator", 3: "member", 4: "left", 5: "kicked", 6: "restricted"} {
		srv.SetChatMember(group, user, status)
	}

	for user, want := range map[int64]models.ChatMemberType{1: "creator", 2: "administrator", 3: "member", 4: "left", 5: "kicked", 6: "restricted", 99: "member"} {
		member, err := client.GetChatMember(ctx, &bot.GetChatMemberParams{ChatID: group, UserID: user})
		if err != nil || member.Type != want {
			t.Errorf("getChatMember(%d) = %+v, %v; want %s", user, member, err, want)
		}
	}
	admins, err := client.GetChatAdministrators(ctx, &bot.GetChatAdministratorsParams{ChatID: group})
	if err != nil || len(admins) != 2 || admins[0].Owner == nil || admins[0].Owner.User.ID != 1 || admins[1].Administrator == nil || admins[1].Administrator.User.ID != 2 {
		t.Errorf("getChatAdministrators = %+v, %v; want creator 1 then administrator 2", admins, err)
	}
	if _, err := client.GetChatAdministrators(ctx, &bot.GetChatAdministratorsParams{ChatID: int64(42)}); err == nil {
		t.Error("getChatAdministrators of a private chat succeeded")
	}
}

func TestChatsTheBotCannotWriteTo(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	send := func(chat int64) error {
		_, err := client.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat, Text: "hi"})
		return err
	}

	srv.Push(MyChatMember(42, User(42, "Ann"), "member", "kicked"))
	if err := send(42); !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Errorf("send to a user who blocked the bot: error %v", err)
	}

	srv.SetChatMember(-100, srv.BotUser().ID, "kicked")
	if err := send(-100); !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was kicked from the group chat") {
		t.Errorf("send to a group that kicked the bot: error %v", err)
	}

	srv.Push(Migrate(-200, -1002000000000))
	var migrate *bot.MigrateError
	if err := send(-200); !errors.As(err, &migrate) || migrate.MigrateToChatID != -1002000000000 {
		t.Errorf("send to a migrated group: error %v, want *bot.MigrateError to the supergroup", err)
	}
	if err := send(-1002000000000); err != nil {
		t.Errorf("send to the new supergroup: %v", err)
	}
}

func TestWebhookMethods(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	ctx := context.Background()

	if _, err := client.SetWebhook(ctx, &bot.SetWebhookParams{URL: "http://example.com/hook"}); err == nil {
		t.Error("setWebhook accepted a plain HTTP URL")
	}
	if _, err := client.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://example.com/hook", SecretToken: "bad secret!"}); err == nil {
		t.Error("setWebhook accepted a secret with spaces")
	}
	ok, err := client.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://example.com/hook", SecretToken: "s3cret_-", AllowedUpdates: []string{"message"}})
	if !ok || err != nil {
		t.Fatalf("setWebhook: %v, %v", ok, err)
	}
	srv.Push(Text(1, 1, "pending"))
	info, err := client.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://example.com/hook" || info.PendingUpdateCount != 1 || !slices.Equal(info.AllowedUpdates, []string{"message"}) {
		t.Errorf("getWebhookInfo = %+v, %v", info, err)
	}
	if answer := post(t, methodURL(srv, "getUpdates"), "", ""); answer.status != http.StatusConflict {
		t.Errorf("getUpdates while a webhook is set answered %+v, want 409", answer)
	}

	if ok, err := client.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true}); !ok || err != nil {
		t.Fatalf("deleteWebhook: %v, %v", ok, err)
	}
	if answer := post(t, methodURL(srv, "getUpdates"), "", ""); !answer.OK || string(answer.Result) != "[]" {
		t.Errorf("getUpdates after deleteWebhook with drop_pending_updates answered %+v, want ok and no updates", answer)
	}
}

func TestSetMyCommandsAndLeaveChat(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	ctx := context.Background()

	if _, err := client.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "check", Description: "Check a message"}}}); err != nil {
		t.Errorf("setMyCommands: %v", err)
	}
	if _, err := client.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Check-Now", Description: "x"}}}); err == nil || !strings.Contains(err.Error(), "BOT_COMMAND_INVALID") {
		t.Errorf("setMyCommands with a bad name: error %v", err)
	}
	for lang, valid := range map[string]bool{"zh": true, "en": true, "zh-hans": false, "zh-TW": false, "EN": false} {
		_, err := client.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "check", Description: "x"}}, LanguageCode: lang})
		if valid != (err == nil) {
			t.Errorf("setMyCommands in %q: error %v, want valid %v", lang, err, valid)
		}
	}
	if ok, err := client.LeaveChat(ctx, &bot.LeaveChatParams{ChatID: int64(-300)}); !ok || err != nil {
		t.Errorf("leaveChat: %v, %v", ok, err)
	}
	if _, err := client.SendMessage(ctx, &bot.SendMessageParams{ChatID: int64(-300), Text: "hi"}); !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("send after leaving: error %v, want forbidden", err)
	}
}

func TestWaitCallsReturnsOnceEnoughCallsArrive(t *testing.T) {
	srv := New(t)
	client := newClient(t, srv)
	go func() {
		for range 3 {
			_, _ = client.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: int64(1), Text: "hi"})
		}
	}()
	if calls := srv.WaitCalls(t, "sendMessage", 3, 5*time.Second); len(calls) < 3 {
		t.Errorf("WaitCalls returned %d calls, want 3", len(calls))
	}
}

func TestWaitCallsFailsOnTimeout(t *testing.T) {
	srv := New(t)
	recorder := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.WaitCalls(recorder, "sendMessage", 1, 10*time.Millisecond)
	}()
	<-done
	if !recorder.failed {
		t.Error("WaitCalls did not fail the test when no call came")
	}
}

// fatalRecorder notes a Fatalf instead of failing the real test; it ends the
// goroutine the way testing's Fatalf does.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}
