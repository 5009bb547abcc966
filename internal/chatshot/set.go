package chatshot

import "fmt"

// Conversation is a labelled conversation drawn in the test set.
type Conversation struct {
	Name  string
	Lang  string // zh, zh-Hant or en
	Title string
	Scam  bool
	// Messages in order. An SMS shot keeps only the sender's.
	Messages []Message
	// Split, when above 0, draws the conversation as two screenshots (an
	// album): messages [0, Split) and [Overlap, end), so the second
	// repeats Split-Overlap messages of the first, as a scrolled chat does.
	Split, Overlap int
}

// Case is one entry of the set: a conversation drawn in one layout and
// theme, as one screenshot or an album.
type Case struct {
	Name         string
	Conversation Conversation
	Shots        []Shot
	// Want are the messages the reader should give back, in order.
	Want []Message
}

// RefundScam is the founding case (examples/refund-scam.txt).
var RefundScam = Conversation{
	Name: "zh-refund", Lang: "zh", Title: "淘宝理赔中心", Scam: true, Split: 5, Overlap: 3,
	Messages: []Message{
		{Text: "您好，我是淘宝理赔中心的客服，工号8861。"},
		{Text: "请问您上周在淘宝买的那件羽绒服，订单尾号是3307对吗？"},
		{FromUser: true, Text: "对，怎么了？"},
		{Text: "您的快递在运输途中丢失了，我们这边给您办理双倍理赔。"},
		{Text: "系统显示您的支付宝芝麻信用分太低，理赔款暂时无法到账。"},
		{Text: "需要您先在借呗把额度借出来，刷一下流水提高信用分，钱马上原路退回。"},
		{Text: "然后用我给您的当当账号购买礼品卡，把卡号卡密发给我做验证。"},
		{Text: "这个过程不要挂电话，也不要告诉家人，以免影响理赔进度。"},
	},
}

// Conversations are the set's conversations: scams and ordinary service
// chats in Simplified Chinese, Traditional Chinese and English.
var Conversations = []Conversation{
	RefundScam,
	{Name: "zh-Hant-installment", Lang: "zh-Hant", Title: "蝦皮購物客服", Scam: true, Messages: []Message{
		{Text: "您好，這裡是蝦皮購物客服中心。"},
		{Text: "系統顯示您的訂單被誤設為十二期分期付款，每月會自動扣款。"},
		{FromUser: true, Text: "我沒有設定分期啊"},
		{Text: "請您到ATM操作解除分期，我們會一步一步指導您。"},
		{Text: "請不要掛電話，也不要告訴銀行人員。"},
		{FromUser: true, Text: "好，我現在去"},
	}},
	{Name: "en-giftcard", Lang: "en", Title: "Amazon Support", Scam: true, Messages: []Message{
		{Text: "Hello, this is Amazon customer service."},
		{Text: "We charged you twice for your last order and need to issue a refund."},
		{FromUser: true, Text: "Oh, how do I get it back?"},
		{Text: "Please buy two Apple gift cards of $500 each to verify your account."},
		{Text: "Send me the card numbers and the codes on the back right away."},
		{FromUser: true, Text: "OK, I will go to the store now."},
	}},
	{Name: "zh-courier", Lang: "zh", Title: "顺丰客服", Messages: []Message{
		{Text: "您好，这里是顺丰客服，请问有什么可以帮您？"},
		{FromUser: true, Text: "我的快递三天了还没到"},
		{Text: "请提供一下运单号，我帮您查询。"},
		{FromUser: true, Text: "好的，稍等"},
		{Text: "查到了，包裹在派送中，预计今天下午送达。"},
		{FromUser: true, Text: "谢谢"},
	}},
	{Name: "zh-Hant-telecom", Lang: "zh-Hant", Title: "中華電信客服", Messages: []Message{
		{Text: "您好，這裡是中華電信客服，請問需要什麼協助？"},
		{FromUser: true, Text: "我想查詢這個月的帳單"},
		{Text: "好的，您可以在中華電信App的帳單頁面查看明細。"},
		{FromUser: true, Text: "謝謝"},
	}},
	{Name: "en-delivery", Lang: "en", Title: "Support", Messages: []Message{
		{Text: "Hi, thanks for contacting support. How can I help?"},
		{FromUser: true, Text: "My package has not arrived yet."},
		{Text: "Sorry about that. It is out for delivery and should arrive today."},
		{FromUser: true, Text: "Great, thank you!"},
	}},
}

// Set returns the test set: every scam in every layout, light and dark
// (the founding scam as a two-screenshot album), and each ordinary chat
// in two layouts, one light and one dark.
func Set() []Case {
	var cases []Case
	for _, conv := range Conversations {
		for i, style := range Styles {
			for _, dark := range []bool{false, true} {
				if !conv.Scam && (i%3 != 0 || dark != (i == 3)) {
					continue // ordinary chats: WeChat light, WhatsApp dark
				}
				if conv.Scam && conv.Split == 0 && dark != (i%2 == 1) {
					continue // other scams: alternate themes across layouts
				}
				cases = append(cases, build(conv, style, dark))
			}
		}
	}
	return cases
}

func build(conv Conversation, style Style, dark bool) Case {
	theme := "light"
	if dark {
		theme = "dark"
	}
	messages := conv.Messages
	if style == SMS {
		messages = nil
		for _, m := range conv.Messages {
			if !m.FromUser {
				messages = append(messages, m)
			}
		}
	}
	c := Case{Name: fmt.Sprintf("%s/%s-%s", conv.Name, style, theme), Conversation: conv, Want: messages}
	shot := func(ms []Message) Shot {
		return Shot{Style: style, Dark: dark, Title: conv.Title, Lang: conv.Lang, Messages: ms}
	}
	if conv.Split == 0 || style == SMS {
		c.Shots = []Shot{shot(messages)}
		return c
	}
	c.Shots = []Shot{shot(messages[:conv.Split]), shot(messages[conv.Overlap:])}
	return c
}
