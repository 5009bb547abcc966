package classifier

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestTurnsOfPastedTranscripts(t *testing.T) {
	c := embeddedClassifier(t)
	for _, tc := range []struct {
		name string
		text string
		want []Speaker // nil: not a transcript (one turn from the sender)
	}{
		{"labels zh", "客服：您好，这里是理赔中心\n我：怎么了？\n客服：您的快递丢了", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"labels en", "Agent: Hi, this is Amazon support.\nMe: ok\nAgent: Please install AnyDesk.", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"wechat header lines", "王经理 10:32\n您好，您的订单异常\n我 10:33\n什么异常？\n王经理 10:33\n需要退款给您", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"whatsapp export", "12/03/2026, 10:32 - Kevin: hi is this Jenna?\n12/03/2026, 10:33 - Me: no\n12/03/2026, 10:34 - Kevin: sorry!", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"line tabs", "10:32\t王經理\t您好\n10:33\t我\t你好\n10:35\t王經理\t請加LINE", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"line spaces", "09:31 林助理 各位早安\n09:40 我 有\n09:41 林助理 請下載APP入金", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"whatsapp, a number as the name", "[08/03/2025, 19:42] +44 7723 xxx 519: Hi Mum it's me\n[08/03/2025, 19:43] Me: Chloe?\n[08/03/2025, 19:46] +44 7723 xxx 519: can you send £1,150 to my landlord", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"bracketed times", "[10:32] 客服: 您好\n[10:33] 我: 嗯", []Speaker{SpeakerOther, SpeakerUser}},
		{"flattened with a reply", "您好，我是淘宝客服。 我:对，怎么了？ 您的快递丢了，我们双倍理赔。", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"preamble (a label with no text) then chat", "帮我看看这个：\n客服：您好\n我：嗯", []Speaker{SpeakerOther, SpeakerUser}},
		{"names only: the one who demands is the other party", "Amy: hi grandma, it's me\nRose: Amy? you sound different\nAmy: I'm in jail, please buy gift cards and send me the codes\nRose: oh no", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther, SpeakerUser}},
		{"app tag before a wechat header", "[微信] 微众客服-李经理 10:12\n阿姨您好，您的账户异常\n[微信] 我妈 10:14\n我没借过钱啊\n[微信] 微众客服-李经理 10:16\n把额度借出来转到我们的账户", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"whatsapp day/month stamp, number as name", "[14/06, 09:31] +61 4xx xxx 217: hey dad its me, new number\n[14/06, 09:33] Dad: Josh?\n[14/06, 09:36] +61 4xx xxx 217: can u pay an invoice for me", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"names in brackets", "粘过来的：\n[唯品会客服] 您好，订单有问题\n[我] 什么问题\n[唯品会客服] 需要您配合退款", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"names in quotation marks", "“银行”：您的卡被冻结了\n我：为什么\n“银行”：请把钱转到新账户", []Speaker{SpeakerOther, SpeakerUser, SpeakerOther}},
		{"media placeholders are not names", "[图片] 你看看\n[图片] 还有这个\n[图片] 最后一张", nil},
		{"a form is not a chat", "订单号：3307\n金额：199元\n地址：北京市", nil},
		{"a link is not a label", "see https://example.com/x:1 now", nil},
		{"one line, no label", "您好，这里是京东客服：您的订单已发货。", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			turns := c.Turns(tc.text, SpeakerOther)
			if tc.want == nil {
				if len(turns) != 1 || turns[0].Start != 0 || turns[0].End != len(tc.text) {
					t.Fatalf("split a non-transcript into %+v", turns)
				}
				return
			}
			var got []Speaker
			for _, turn := range turns {
				if turn.Start < 0 || turn.End > len(tc.text) || turn.Start >= turn.End {
					t.Fatalf("turn %+v outside the text", turn)
				}
				got = append(got, turn.From)
			}
			if strings.Join(speakerNames(got), ",") != strings.Join(speakerNames(tc.want), ",") {
				t.Fatalf("speakers %v, want %v (turns %+v)", got, tc.want, turns)
			}
		})
	}
}

func speakerNames(s []Speaker) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return out
}

// The founding scam pasted as one line (line breaks lost) reaches scam, as
// the same lines forwarded one by one do.
func TestFoundingScamPastedOnOneLine(t *testing.T) {
	data, err := os.ReadFile("../examples/refund-scam.txt")
	if err != nil {
		t.Fatal(err)
	}
	c := embeddedClassifier(t)
	flat := strings.ReplaceAll(string(data), "\n", " ")
	v := c.Classify(context.Background(), Conversation{Messages: []Message{{From: SpeakerOther, Text: flat}}})
	if v.Level != LevelScam || v.Frame != FrameLive {
		t.Fatalf("flattened founding scam: %s (%s), want scam (live)", v.Level, v.Frame)
	}
}

// Scope: a reassurance or a warning by the party that demands takes back
// nothing; a retelling or a news report never alarms at scam level; a
// question about a hard stop gets a clear no.
func TestScopeAndFrames(t *testing.T) {
	c := embeddedClassifier(t)
	for _, tc := range []struct {
		name      string
		text      string
		wantLevel Level
		wantFrame Frame
	}{
		{"reassurance inside a demand", "您的芝麻信用分太低，理赔款无法到账，需要您先在借呗把额度借出来刷流水，钱马上原路退回。", LevelScam, FrameLive},
		{"never-ask then ask", "We will never ask for your PIN, but please read me the code you just got so I can verify the refund.", LevelScam, FrameLive},
		{"anti-fraud notice at the top of a script", "谨防诈骗！您好我是京东客服，您的白条需要注销，否则影响征信，请下载会议软件开启屏幕共享。", LevelScam, FrameLive},
		{"don't hang up is pressure", "我是公安局的，你涉嫌洗钱，不要挂电话，马上把钱转到安全账户。", LevelScam, FrameLive},
		{"mother retells", "我妈昨天接到个电话，说她芝麻分太低，要她去借呗借钱买当当卡，她直接挂了，96110说是诈骗。", LevelNone, FrameRetold},
		{"news report", "警方提醒：近日有骗子冒充快递客服，称包裹丢失双倍理赔，诱导受害人在借呗借款并购买礼品卡。", LevelNone, FrameWarning},
		{"question about a hard stop", "客服说我芝麻分太低要我去借呗借钱刷流水，我要不要借？", LevelScam, FrameQuestion},
		{"honest in-app refund", "您好，这里是淘宝客服，您的退款申请已通过，钱会原路退回到支付宝，请在订单页查看。", LevelNone, FrameLive},
		// A question about a script's opening names it (the reply says
		// it is a known scam) without an alarm.
		{"question about a script", "有人打电话说我的快递丢了要赔我双倍的钱，是真的吗？", LevelNone, FrameQuestion},
		// "你会收到一条短信" announces what will happen: an instruction, not a story.
		{"code relay foretold", "等下你会收到一条短信 里面有个验证码 你直接发给我就行", LevelScam, FrameLive},
		// A one-time code asked for is a hard stop with no other context.
		{"code relay alone", "Can you send me the 6 digit code you just got? Need it quick", LevelScam, FrameLive},
		// A hypothesis covers its whole sentence, however long.
		{"conditional advice", "If anyone calls saying they're Microsoft, Amazon, the IRS or your bank and wants you to install AnyDesk or move money to a safe account, just hang up and call me.", LevelNone, FrameLive},
		// "谨防" warns about what follows it, not the demand before it.
		{"warning after a demand", "我是淘宝客服，理赔需要您先去当当App买两张礼品卡 谨防诈骗", LevelScam, FrameLive},
		// An advance fee with the amount between verb and fee.
		{"advance fee with an amount", "您好这里是安心贷，您的贷款已审批，放款需要先交3000元保证金，到账后一起退还。", LevelScam, FrameLive},
		// A smishing text: a fee and a host dressed as the post office.
		{"fee at a look-alike address", "【中華郵政】您的包裹因地址不完整無法投遞，請於48小時內更新地址並支付補寄費NT$25：https://post-gov-tw.top/t/92xa", LevelScam, FrameLive},
		// A quoted transcript inside a retelling is the teller's story.
		{"transcript quoted in a retelling", "我妈昨天接到个电话，对方说：“客服：您的快递丢了，要赔您双倍。客服：您先去借呗借钱刷流水。”她没理他，直接挂了。", LevelNone, FrameRetold},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(context.Background(), Conversation{Messages: []Message{{From: SpeakerOther, Text: tc.text}}})
			if v.Level != tc.wantLevel || v.Frame != tc.wantFrame {
				t.Fatalf("%s (%s, score %.2f), want %s (%s); signals %+v", v.Level, v.Frame, v.Score, tc.wantLevel, tc.wantFrame, v.Signals)
			}
			if v.Frame != FrameLive && v.Type == "" {
				t.Fatalf("a %s frame must name the scam type", v.Frame)
			}
		})
	}
}

func FuzzTurns(f *testing.F) {
	c, err := Default(nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"客服：a\n我：b", "[10:32] x: y\n[10:33] me: z", "10:32\tA\tb\n10:33\tme\tc", "我:对 我: 我：", "王经理 10:32\n\n我 10:33", ":\n:：\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		turns := c.Turns(text, SpeakerOther)
		if len(turns) == 0 {
			t.Fatal("no turns")
		}
		end := 0
		for _, turn := range turns {
			if turn.Start < end || turn.End > len(text) || turn.Start > turn.End {
				t.Fatalf("turn %+v out of order or outside %d bytes", turn, len(text))
			}
			end = turn.End
		}
		c.Classify(context.Background(), Conversation{Messages: []Message{{From: SpeakerOther, Text: text}}})
	})
}

// Links and numbers are found through the disguises that hide them from a
// byte-level search, and quotes still point into the original text.
func TestUndisguise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Тxt STОRE to 88039", "txt SToRE to 88039"}, // look-alikes fold to lower case, as the finders compare
		{"T.x.t WIN to 80086", "Txt WIN to 80086"},
		{"Tx💰t WIN to 80086", "Txt WIN to 80086"},
		{"ｂｉｔ．ｌｙ/abc", "bit.ly/abc"},
		{"go to bit\u200b.ly/x", "go to bit.ly/x"},
		{"visit bit.ly/x today", "visit bit.ly/x today"},
	} {
		p := undisguise(tc.in)
		if p.text != tc.want {
			t.Errorf("undisguise(%q) = %q, want %q", tc.in, p.text, tc.want)
		}
		if p.at(len(p.text)) != len(tc.in) || p.at(0) != 0 {
			t.Errorf("undisguise(%q): ends map to %d..%d", tc.in, p.at(0), p.at(len(p.text)))
		}
	}
}

// A story told over several messages is a retelling once the teller says
// they refused, in whichever later message: the relayed script stops
// counting, the type stays named.
func TestRetellingEndsAtTheRefusal(t *testing.T) {
	c := embeddedClassifier(t)
	conv := Conversation{Messages: []Message{
		{From: SpeakerOther, Text: "昨天有个自称京东客服的打电话给我，说我开通了百万保障要扣费，让我下载会议软件开屏幕共享。"},
		{From: SpeakerUser, Text: "那你怎么办的？"},
		{From: SpeakerOther, Text: "我直接挂了，打96110问了，说是诈骗。"},
	}}
	v := c.Classify(context.Background(), conv)
	if v.Level != LevelNone || v.Frame != FrameRetold || v.Type == "" {
		t.Fatalf("retelling: %s (%s, type %q), want none (retold) with a type", v.Level, v.Frame, v.Type)
	}
	// The same script played live, with a refusal by the victim, stays a scam.
	live := Conversation{Messages: []Message{
		{From: SpeakerOther, Text: "您好我是京东客服，您开通了百万保障，不关闭每月扣费，请下载会议软件开启屏幕共享，我来帮您关闭。"},
		{From: SpeakerUser, Text: "我不信，我挂了。"},
	}}
	if v := c.Classify(context.Background(), live); v.Level != LevelScam {
		t.Fatalf("live script with a refusal: %s, want scam", v.Level)
	}
}

// A message cut at MaxMessageBytes may end inside a character, and a
// symbol may close the text: neither may take the finders out of bounds.
func TestUndisguiseAtTheEdges(t *testing.T) {
	for _, text := range []string{"ab💰", "💰", "a\xf0\x9f\x92", "x.y.", "Ｔ"} {
		p := undisguise(text)
		if p.at(len(p.text)) != len(text) {
			t.Errorf("undisguise(%q): end maps to %d, want %d", text, p.at(len(p.text)), len(text))
		}
	}
}

// The user relays a hard stop, then asks whether to do it: a clear no,
// whatever words the question uses ("the cards", "照他说的做").
func TestQuestionAfterARelayedHardStop(t *testing.T) {
	c := embeddedClassifier(t)
	for _, tc := range []struct{ name, told, asked string }{
		{"en", "Someone from the electric company called and said my power gets shut off in an hour unless I pay $300 in Google Play cards.", "Should I go buy the cards?"},
		{"zh", "有个自称顺丰理赔部的人说要给我赔偿，让我下载一个会议软件开屏幕共享，他带我操作退款。", "我要不要照他说的做？"},
	} {
		conv := Conversation{Messages: []Message{{From: SpeakerUser, Text: tc.told}, {From: SpeakerUser, Text: tc.asked}}}
		if v := c.Classify(context.Background(), conv); v.Level != LevelScam || !v.HardStop {
			t.Errorf("%s: %s (hard stop %v), want scam with a hard stop", tc.name, v.Level, v.HardStop)
		}
	}
}

// A user's message quoting the SMS they got: the quote is the sender's.
func TestQuotedMessageIsTheOtherParty(t *testing.T) {
	c := embeddedClassifier(t)
	text := "收到呢個SMS，係咪真㗎？「【csl】你嘅積分將於本月31日到期，請即登記：https://csl-rewards-hk.shop」"
	turns := c.Turns(text, SpeakerUser)
	if len(turns) != 2 || turns[0].From != SpeakerUser || turns[1].From != SpeakerOther {
		t.Fatalf("turns %+v, want the user's question then the other party's quoted SMS", turns)
	}
	if quote := text[turns[1].Start:turns[1].End]; !strings.HasPrefix(quote, "【csl】") {
		t.Fatalf("quoted turn %q, want the SMS", quote)
	}
	// A short quote is the user's own report of words ("他说“马上退”").
	if turns := c.Turns("他说“马上退款”，是真的吗", SpeakerUser); len(turns) != 1 {
		t.Fatalf("short quote split into %d turns, want 1", len(turns))
	}
}

// The party the user told about a script answers that it is a scam: the
// relayed script is settled, not played on anyone.
func TestAWarningAnswerSettlesARelayedScript(t *testing.T) {
	c := embeddedClassifier(t)
	conv := Conversation{Messages: []Message{
		{From: SpeakerUser, Text: "我芝麻分只有580，会不会影响我收淘宝退款？"},
		{From: SpeakerOther, Text: "您好，退款和芝麻分没有关系，退款会按原路退回到您付款时用的账户。"},
		{From: SpeakerUser, Text: "那有人说分太低要先借点钱把分刷上去才能退款……"},
		{From: SpeakerOther, Text: "这是诈骗话术。芝麻分不能靠借款刷上去，平台也不会因为芝麻分低拒绝退款。请不要按对方要求操作，如已操作请立即拨打110。"},
	}}
	if v := c.Classify(context.Background(), conv); v.Level != LevelNone {
		t.Fatalf("%s (score %.2f), want none", v.Level, v.Score)
	}
}

// A question about a relayed hard stop is one (a clear no), until the party
// asked answers that it is a scam: then it is settled, not an alarm.
func TestAnsweredQuestionIsSettled(t *testing.T) {
	c := embeddedClassifier(t)
	asked := []Message{
		{From: SpeakerUser, Text: "我的借呗额度怎么从2万降到5000了"},
		{From: SpeakerOther, Text: "您好，借呗额度由系统根据您的综合情况动态评估，人工无法调整。"},
		{From: SpeakerUser, Text: "今天有人打电话说可以帮我恢复额度，要先交888的提额服务费，是你们吗？"},
	}
	if v := c.Classify(context.Background(), Conversation{Messages: asked}); v.Level != LevelScam {
		t.Fatalf("the question alone: %s, want scam", v.Level)
	}
	answered := append(asked, Message{From: SpeakerOther, Text: "不是的。支付宝和借呗从不收取任何提额费用，也不存在人工提额，这类电话都是诈骗，请不要转账，直接挂断或拨打95188核实。"})
	if v := c.Classify(context.Background(), Conversation{Messages: answered}); v.Level != LevelNone {
		t.Fatalf("answered: %s (frame %s), want none", v.Level, v.Frame)
	}
}

// TestAPasteUnderAHeaderOpensWithItsFirstSpeaker: the words above a
// transcript's first label are the person handing it to us; who opened the
// conversation is its first labelled turn, so a scam pasted under "帮我看看"
// is not taken for an agent the user contacted.
func TestAPasteUnderAHeaderOpensWithItsFirstSpeaker(t *testing.T) {
	c := embeddedClassifier(t)
	transcript := "客服：您好，您的包裹丢了，我们给您双倍理赔\n我：好的\n客服：请扫这个二维码进入理赔页面，填一下卡号和余额"
	bare := c.Classify(context.Background(), Conversation{Messages: []Message{{From: SpeakerOther, Text: transcript}}})
	for _, header := range []string{"帮我看看这段聊天：\n", "[粘贴]\n", "copied from my phone:\n"} {
		// A header that looks like a label with no text ("…聊天：") leaves
		// no turn; one that does not is the user's, marked Header.
		turns := c.Turns(header+transcript, SpeakerUser)
		if turns[0].From == SpeakerUser && !turns[0].Header {
			t.Errorf("%q: first turn %+v, want the user's words above the labels marked as a header", header, turns[0])
		}
		got := c.Classify(context.Background(), Conversation{Messages: []Message{{From: SpeakerUser, Text: header + transcript}}})
		if got.Level != bare.Level || got.Score != bare.Score {
			t.Errorf("%q: %s %.3f, the same transcript without a header %s %.3f", header, got.Level, got.Score, bare.Level, bare.Score)
		}
	}
	// Flattened onto one line, the words before the first label are the
	// first speaker's turn, not a header.
	if turns := c.Turns("您好这里是理赔中心 我:怎么了 您的快递丢了", SpeakerOther); turns[0].Header {
		t.Errorf("flattened paste: %+v, want no header", turns[0])
	}
}

// TestAReceivedMessagePastedOnItsOwnLines: a user's message that pastes,
// on lines of its own and without quotation marks, a text or an e-mail
// they got: the pasted lines are the other party's words (quoted), the
// lines around them the user's. A message with nothing received in it, or
// on one line, stays one turn.
func TestAReceivedMessagePastedOnItsOwnLines(t *testing.T) {
	c := embeddedClassifier(t)
	for _, tc := range []struct {
		name, text, received string
	}{
		{"sms signature, sender line, question",
			"收到这个短信\n【顺丰速运】您的快件因地址不详滞留，请点击 https://sf-kd.top/u 更新地址\n发件人：+86 171 8822 3091\n这个要点吗",
			"【顺丰速运】您的快件因地址不详滞留，请点击 https://sf-kd.top/u 更新地址\n发件人：+86 171 8822 3091"},
		{"signature at the end",
			"[10086] 尊敬的客户，您的积分将清零，请登录 wap.10086-jf.cc 兑换。【中国移动】\n应该是真的吧",
			"[10086] 尊敬的客户，您的积分将清零，请登录 wap.10086-jf.cc 兑换。【中国移动】"},
		{"sender's name before an sms",
			"DBS: Your digibank account has been suspended due to unusual login activity, verify today.\nIs it OK?",
			"DBS: Your digibank account has been suspended due to unusual login activity, verify today."},
		{"a screenshot read out under the line that hands it over",
			"截 图 文 字:\n抖 音 官 方 客 服\n亲,您 的 账 号 被 举 报,请 开 启 屏 幕 共 享\n我没充过值 他让我开屏幕共享？",
			"抖 音 官 方 客 服\n亲,您 的 账 号 被 举 报,请 开 启 屏 幕 共 享"},
		{"one line: an sms as it came, signature first",
			"【国网电力】您户号3102****7788本月电费欠缴286.40元，今晚24时前未缴清将暂停供电，请点击 sgcc-95598.vip 完成缴费。",
			"【国网电力】您户号3102****7788本月电费欠缴286.40元，今晚24时前未缴清将暂停供电，请点击 sgcc-95598.vip 完成缴费。"},
		{"one line: a sender's name and a link",
			"myGov: Your account has been suspended due to unusual sign-in activity. Verify your identity to restore access: mygov-au-verify.info",
			"myGov: Your account has been suspended due to unusual sign-in activity. Verify your identity to restore access: mygov-au-verify.info"},
		{"quoted with a bare link",
			"收到个短信：“您的快递因地址不详无法派送，请在24小时内点击 t.cn-kd.info/R7x 更新地址，否则退回”。能点吗",
			"您的快递因地址不详无法派送，请在24小时内点击 t.cn-kd.info/R7x 更新地址，否则退回"},
		{"an e-mail's headers and body",
			"From: Sarah <accounts@brightline-supplies.co>\nSubject: Updated remittance details\n\nPlease update our bank details before paying the invoice.\nRegards, Sarah\n\nThis came today, is it normal?",
			"From: Sarah <accounts@brightline-supplies.co>\nSubject: Updated remittance details\n\nPlease update our bank details before paying the invoice.\nRegards, Sarah"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			turns := c.Turns(tc.text, SpeakerUser)
			var got []string
			for _, turn := range turns {
				if turn.From == SpeakerOther {
					if !turn.Quoted {
						t.Errorf("the received lines are not marked quoted: %+v", turn)
					}
					got = append(got, tc.text[turn.Start:turn.End])
				}
			}
			if len(got) != 1 || got[0] != tc.received {
				t.Fatalf("received %q, want %q (turns %+v)", got, tc.received, turns)
			}
		})
	}
	for _, text := range []string{
		"我妈今天去医院复查了\n医生说没什么问题\n下周再去拿报告",
		"Hi, my order arrived broken: can I get a refund?",
		// One line: a notice passed on, a voice note, a link in the
		// user's own sentence are the user's.
		"【家人们注意】最近有人冒充快递员打电话说理赔，让你加微信填银行卡，直接挂掉！",
		"【以案说法】大学生小王出借银行卡给他人走账，被判帮信罪，出借账户就是违法。",
		"News: toll texts that link to look-alike sites like ezpass-pay.top are circulating, officials say.",
		"[語音] 阿女呀 頭先有個後生仔打嚟叫我猜佢係邊個",
		"I got a text saying to go to hsbc-secure.com and verify, is that them?",
	} {
		if turns := c.Turns(text, SpeakerUser); len(turns) != 1 || turns[0].From != SpeakerUser {
			t.Errorf("%q split into %+v, want one turn of the user's", text, turns)
		}
	}
}

// TestAPasteToldAsOver: a transcript pasted with its paster's own word
// that it is over, in the line before it or their last turn, is a
// retelling; asking whether to go on, or their replies inside the
// transcript, keep it live. The first case failed before.
func TestAPasteToldAsOver(t *testing.T) {
	c := productionClassifier(t)
	script := "客服：您好您在拼多多开通了免密支付，每月扣费599\n我：我没开过\n客服：那我们帮您关闭，请您打开支付宝首页搜备用金\n我：然后呢\n客服：点领取，领到的500元要转回给我们做资金核验\n"
	for _, tc := range []struct {
		name, text string
		want       Level
	}{
		{"closed in the last turn", "昨天那通电话我整理了一下：\n" + script + "我：……我当时就觉得不对挂了", LevelNone},
		{"asked in the header", "对方一直在催我，记录发你，我是不是被骗了\n" + script + "我：好的", LevelScam},
		{"still asking in the last turn", "昨天那通电话我整理了一下：\n" + script + "我：我挂了，但他又打来了，现在要不要转？", LevelScam},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(context.Background(), conv("me:"+tc.text))
			if v.Level != tc.want {
				t.Errorf("%s %.3f (frame %s), want %s", v.Level, v.Score, v.Frame, tc.want)
			}
		})
	}
}

// TestAVoiceNoteWrittenDown: a line the phone wrote down from speech is
// the caller's when it speaks as them, the sender's own when it tells what
// someone said. The second case failed before.
func TestAVoiceNoteWrittenDown(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		text string
		want Speaker
	}{
		{"[语音转文字] 喂你好这边是那个银保监会的 你之前那个校园贷的账户还没有注销 现在要全部注销", SpeakerOther},
		{"[语音转文字] 喂 你帮我看一下啊 有个人打电话说是人社局的 让我扫他发的二维码 填银行卡号 我现在在扫 这个是真的吧", SpeakerUser},
	} {
		turns := c.Turns(tc.text, SpeakerUser)
		if len(turns) != 1 || turns[0].From != tc.want {
			t.Errorf("%q: turns %+v, want one of speaker %v", tc.text, turns, tc.want)
		}
	}
}
