package bot_test

import (
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// Golden transcripts: a journey is a user's steps through the bot (what they
// send and press) and everything the bot sends back through the fake Bot
// API — every text and button, edits and button notes included — written
// as a readable transcript and compared with bot/testdata/journeys/<name>.txt.
// go test ./bot -run Journey -update-journeys rewrites them.

var updateJourneys = flag.Bool("update-journeys", false, "rewrite bot/testdata/journeys from the current output")

// journey drives one private chat (or group) of a harness and records it.
type journey struct {
	t    *testing.T
	h    *harness
	chat int64
	// lang is the user's Telegram language_code on every update.
	lang string
	// inputs are what the user did, with when, to interleave with the calls.
	inputs []input
	// want counts the calls of each method the steps so far must produce.
	want map[string]int
	// pressedAt is when each press (by callback query id) was noted: its
	// button note follows it in the transcript, however the note and the
	// messages the press caused raced to the API.
	pressedAt map[string]time.Time
}

type input struct {
	at   time.Time
	text string
}

// newJourney starts a bot for a user whose Telegram language is lang.
func newJourney(t *testing.T, chat int64, lang string) *journey {
	h := newHarness(t)
	h.start()
	return &journey{t: t, h: h, chat: chat, lang: lang, want: map[string]int{}, pressedAt: map[string]time.Time{}}
}

func (j *journey) from(u *models.User) {
	if u != nil {
		u.LanguageCode = j.lang
	}
}

// note records an input line of the transcript.
func (j *journey) note(format string, args ...any) {
	j.inputs = append(j.inputs, input{at: time.Now(), text: fmt.Sprintf(format, args...)})
}

// types sends text typed by the user and waits for sends new messages.
func (j *journey) types(text string, sends int) {
	j.t.Helper()
	upd := telegramtest.Text(j.chat, j.chat, text)
	j.from(upd.Message.From)
	j.note("user types: %s", text)
	j.h.api.Push(upd)
	j.wait("sendMessage", sends)
}

// forwards forwards lines from a stranger as one burst and waits for sends
// new messages.
func (j *journey) forwards(sends int, lines ...string) {
	j.t.Helper()
	var updates []models.Update
	for _, line := range lines {
		upd := telegramtest.Forwarded(j.chat, j.chat, line, telegramtest.OriginUser(777000+j.chat, "客服"))
		j.from(upd.Message.From)
		updates = append(updates, upd)
		j.note("user forwards: %s", line)
	}
	j.h.api.Push(updates...)
	j.wait("sendMessage", sends)
}

// groupSays is a message from a member of the group j.chat; it waits for
// sends new messages and returns the message.
func (j *journey) groupSays(member models.User, text string, sends int) *models.Message {
	j.t.Helper()
	return j.groupReplies(member, text, nil, sends)
}

// groupReplies is a message from a member of the group j.chat in reply to
// target (nil: none); it waits for sends new messages and returns the message.
func (j *journey) groupReplies(member models.User, text string, target *models.Message, sends int) *models.Message {
	j.t.Helper()
	member.LanguageCode = j.lang
	upd := telegramtest.GroupText(j.chat, member, text)
	if target != nil {
		upd.Message.ReplyToMessage = target
		j.note("%s replies in the group to %q: %s", member.FirstName, target.Text, text)
	} else {
		j.note("%s says in the group: %s", member.FirstName, text)
	}
	j.h.api.Push(upd)
	j.wait("sendMessage", sends)
	return upd.Message
}

// press presses the button whose callback data starts with prefix on the
// latest message that has one, then waits for sends new messages and edits
// edits.
func (j *journey) press(prefix string, sends, edits int) {
	j.t.Helper()
	message, data, label := j.button(prefix)
	upd := telegramtest.Callback(j.chat, j.chat, message, data)
	j.from(&upd.CallbackQuery.From)
	j.note("user presses: %s", label)
	j.pressedAt[upd.CallbackQuery.ID] = j.inputs[len(j.inputs)-1].at
	j.h.api.Push(upd)
	j.wait("answerCallbackQuery", 1)
	j.wait("sendMessage", sends)
	j.wait("editMessageText", edits)
}

// button finds the latest message (sent, or edited to carry it) with a
// button whose data starts with prefix.
func (j *journey) button(prefix string) (message int, data, label string) {
	j.t.Helper()
	calls := j.calls()
	for i := len(calls) - 1; i >= 0; i-- {
		for _, b := range buttonsOf(calls[i]) {
			if strings.HasPrefix(b.CallbackData, prefix) {
				return messageOf(calls[i]), b.CallbackData, b.Text
			}
		}
	}
	j.t.Fatalf("no button %q in the transcript so far:\n%s", prefix, j.transcript())
	return 0, "", ""
}

func (j *journey) wait(method string, n int) {
	j.t.Helper()
	if n == 0 {
		return
	}
	j.want[method] += n
	j.h.api.WaitCalls(j.t, method, j.want[method], 15*time.Second)
}

// calls are the bot's calls that the transcript shows, oldest first.
func (j *journey) calls() []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range j.h.api.Calls("") {
		switch strings.ToLower(c.Method) {
		case "sendmessage", "editmessagetext", "editmessagereplymarkup", "deletemessage", "answercallbackquery":
			// The harness's markers (quiesce) and their answers are not
			// the journey.
			if !c.Failed && !j.h.answersMarker(c) {
				out = append(out, c)
			}
		case "setmycommands", "deletemycommands":
			// A chat's own menu is the journey's; the language menus
			// set at start are every journey's.
			if !c.Failed && menuChat(c) != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// check proves that nothing more is coming (in a private chat, a /help
// marker is answered after everything the steps caused; a group journey
// relies on the counts each step waited for) and compares the transcript with
// testdata/journeys/name.txt.
func (j *journey) check(name string) {
	j.t.Helper()
	if j.chat > 0 {
		j.h.settle(j.chat)
	}
	got := j.transcript()
	path := filepath.Join("testdata", "journeys", name+".txt")
	if *updateJourneys {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			j.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			j.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		j.t.Fatalf("%v (run go test ./bot -run Journey -update-journeys to write it)", err)
	}
	if string(want) != got {
		j.t.Errorf("journey %s differs from %s (rerun with -update-journeys if intended):\n%s", name, path, diffLines(string(want), got))
	}
}

// ids are case and answer ids (crypto/rand.Text, lower case): random, so a
// transcript names them by order of appearance.
var ids = regexp.MustCompile(`\b[a-z2-7]{26}\b`)

// transcript writes the inputs and the calls in the order they happened.
func (j *journey) transcript() string {
	// A step is an input and what followed it; within a step come the
	// input, its button note, the messages to the journey's chat, then
	// those to other chats (the moderators'), each in the order they
	// reached the API: chats have their own lanes, so the order across
	// them is a race, not behaviour.
	type line struct {
		at   time.Time
		rank int
		text string
	}
	const inputRank, noteRank, ownChatRank, otherChatRank = 0, 1, 2, 3
	var lines []line
	for _, in := range j.inputs {
		lines = append(lines, line{in.at, inputRank, "» " + in.text})
	}
	messages := map[int]int{} // message id -> its number in the transcript
	for _, c := range j.calls() {
		var sb strings.Builder
		switch strings.ToLower(c.Method) {
		case "sendmessage":
			if isHelp(c.Params["text"]) {
				continue // the settle marker's answer
			}
			messages[sentID(c)] = len(messages) + 1
			fmt.Fprintf(&sb, "« message %d to %s", messages[sentID(c)], c.Params["chat_id"])
			if c.Params["reply_parameters"] != "" {
				sb.WriteString(" (a reply)")
			}
		case "answercallbackquery":
			if c.Params["text"] == "" {
				continue
			}
			fmt.Fprintf(&sb, "« button note: %s", c.Params["text"])
			at := c.At
			if pressed, ok := j.pressedAt[c.Params["callback_query_id"]]; ok {
				at = pressed.Add(time.Nanosecond)
			}
			lines = append(lines, line{at, noteRank, sb.String()})
			continue
		case "setmycommands", "deletemycommands":
			fmt.Fprintf(&sb, "« %s for chat %s", c.Method, menuChat(c))
			var commands []models.BotCommand
			json.Unmarshal([]byte(c.Params["commands"]), &commands)
			for _, command := range commands {
				fmt.Fprintf(&sb, "\n    /%s %s", command.Command, command.Description)
			}
			rank := otherChatRank
			if menuChat(c) == fmt.Sprint(j.chat) {
				rank = ownChatRank
			}
			lines = append(lines, line{c.At, rank, sb.String()})
			continue
		default:
			fmt.Fprintf(&sb, "« %s of message %d", c.Method, messages[messageOf(c)])
		}
		if text, ok := c.Params["text"]; ok {
			sb.WriteString("\n" + indent(text))
		}
		for _, row := range rowsOf(c) {
			var labels []string
			for _, b := range row {
				labels = append(labels, "["+b.Text+" → "+b.CallbackData+b.URL+"]")
			}
			sb.WriteString("\n    " + strings.Join(labels, " "))
		}
		rank := otherChatRank
		if c.Params["chat_id"] == fmt.Sprint(j.chat) {
			rank = ownChatRank
		}
		lines = append(lines, line{c.At, rank, sb.String()})
	}
	step := func(at time.Time) int {
		n := 0
		for _, in := range j.inputs {
			if !in.at.After(at) {
				n++
			}
		}
		return n
	}
	slices.SortStableFunc(lines, func(a, b line) int {
		return cmp.Or(cmp.Compare(step(a.at), step(b.at)), cmp.Compare(a.rank, b.rank), a.at.Compare(b.at))
	})
	var out []string
	for _, l := range lines {
		out = append(out, l.text)
	}
	text := strings.Join(out, "\n") + "\n"
	text = decidedAt.ReplaceAllString(text, "<time> UTC")
	seen := map[string]string{}
	text = ids.ReplaceAllStringFunc(text, func(id string) string {
		if _, ok := seen[id]; !ok {
			seen[id] = fmt.Sprintf("<id%d>", len(seen)+1)
		}
		return seen[id]
	})
	return caseIDs.ReplaceAllStringFunc(text, func(id string) string {
		if strings.Trim(id, "0123456789") == "" {
			return id // a number, not an id
		}
		if _, ok := seen[id]; !ok {
			seen[id] = fmt.Sprintf("<case%d>", len(seen)+1)
		}
		return seen[id]
	})
}

// caseIDs are review's case ids (12 hex digits, and "_<chat>" for a draft) when a moderators' queue
// runs; decidedAt the time a moderator's card says they decided.
var (
	caseIDs   = regexp.MustCompile(`\b[0-9a-f]{12}(?:_-?[0-9]+)?\b`) // a draft's id carries its chat
	decidedAt = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC`)
)

// menuChat is the chat a setMyCommands or deleteMyCommands call gives
// its own menu (scope "chat"), "" for a menu of another scope.
func menuChat(c telegramtest.Call) string {
	var scope struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
	}
	if json.Unmarshal([]byte(c.Params["scope"]), &scope) != nil || scope.Type != "chat" {
		return ""
	}
	return strings.Trim(string(scope.ChatID), `"`)
}

func indent(text string) string {
	return "  | " + strings.ReplaceAll(text, "\n", "\n  | ")
}

func rowsOf(c telegramtest.Call) [][]models.InlineKeyboardButton {
	var markup models.InlineKeyboardMarkup
	if raw := c.Params["reply_markup"]; raw != "" {
		json.Unmarshal([]byte(raw), &markup)
	}
	return markup.InlineKeyboard
}

func buttonsOf(c telegramtest.Call) []models.InlineKeyboardButton {
	var out []models.InlineKeyboardButton
	for _, row := range rowsOf(c) {
		out = append(out, row...)
	}
	return out
}

// sentID is the message id a sendMessage produced.
func sentID(c telegramtest.Call) int {
	var m struct {
		ID int `json:"message_id"`
	}
	json.Unmarshal(c.Result, &m)
	return m.ID
}

// messageOf is the message a call is about: the one it sent, or edits.
func messageOf(c telegramtest.Call) int {
	if strings.EqualFold(c.Method, "sendMessage") {
		return sentID(c)
	}
	var id int
	fmt.Sscan(c.Params["message_id"], &id)
	return id
}

// diffLines shows the first differing lines of two transcripts.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant %q\n got %q\n\nwhole transcript:\n%s", i+1, wl, gl, got)
		}
	}
	return got
}

// fullText is the whole check reply that call sent: it presses the reply's
// "why / more" button and returns the text the message was edited to; a
// reply without the button is whole already.
func (h *harness) fullText(chat int64, call telegramtest.Call) string {
	h.t.Helper()
	for _, b := range buttonsOf(call) {
		if !strings.HasPrefix(b.CallbackData, "more:") {
			continue
		}
		message := sentID(call)
		before := len(h.api.Calls("editMessageText"))
		h.api.Push(telegramtest.Callback(chat, chat, message, b.CallbackData))
		for _, edit := range h.api.WaitCalls(h.t, "editMessageText", before+1, 15*time.Second)[before:] {
			if messageOf(edit) == message {
				return edit.Params["text"]
			}
		}
		h.t.Fatalf("pressing %q edited another message", b.CallbackData)
	}
	return call.Params["text"]
}
