package classifier

import (
	"net/netip"
	"strings"
)

// Links are found by code, not phrases: single messages (SMS, chats) carry
// their tell in the address. Weights: a plain link says little (honest
// services send links too); shorteners, bare IP addresses, throw-away
// top-level domains and brand look-alikes hide where the link goes.
var linkSignals = []Signal{
	{ID: "link_url", Role: RoleLink, Weight: 0.25, Lang: "any"},
	{ID: "link_shortener", Role: RoleLink, Weight: 0.55, Lang: "any", Types: []string{"delivery_smishing"}},
	{ID: "link_ip_address", Role: RoleLink, Weight: 0.7, Lang: "any", Types: []string{"delivery_smishing"}},
	{ID: "link_cheap_tld", Role: RoleLink, Weight: 0.55, Lang: "any", Types: []string{"delivery_smishing"}},
	{ID: "link_lookalike", Role: RoleLink, Weight: 0.75, Lang: "any", Types: []string{"delivery_smishing"}},
	{ID: "link_app_download", Role: RoleLink, Weight: 0.8, Lang: "any", Types: []string{"tech_support"}},
}

// senderHidden is the signal of a message forwarded from a hidden
// account. It weighs little alone (many people hide their account) and
// counts as credibility lost: next to a money move or a pivot it adds up.
var senderHidden = Signal{ID: "sender_hidden", Role: RoleCredibility, Weight: 0.3, Lang: "any"}

// codeHit is a signal found by code rather than phrases (a link, a
// number), with its byte span in the message.
type codeHit struct {
	signal     string
	start, end int
}

// findCodeSignals returns the links and numbers of text.
func findCodeSignals(text string) []codeHit {
	return append(findLinks(text), findNumbers(text)...)
}

// commonTLDs are the top-level domains accepted for a scheme-less address
// ("bit.ly/x", "example.com"); anything else without http(s):// or www. is
// probably a sentence ("e.g.", "3.5").
var commonTLDs = map[string]bool{
	"com": true, "net": true, "org": true, "io": true, "co": true, "ly": true, "me": true, "cn": true,
	"uk": true, "us": true, "au": true, "sg": true, "hk": true, "tw": true, "de": true, "info": true,
	"biz": true, "gov": true, "edu": true, "app": true, "to": true, "gl": true, "gd": true, "do": true,
	"in": true, "cc": true, "tk": true, "ml": true, "ga": true, "cf": true, "gq": true, "xyz": true,
	"top": true, "icu": true, "club": true, "online": true, "site": true, "live": true, "vip": true,
	"buzz": true, "work": true, "shop": true, "link": true, "click": true, "loan": true, "win": true,
	"support": true, "help": true, "services": true, "pw": true, "ws": true, "su": true, "ru": true,
	"trade": true, "rest": true, "cyou": true, "sbs": true, "monster": true, "quest": true, "bond": true, "cfd": true, "mobi": true,
	"ca": true, "nz": true, "my": true, "ph": true, "jp": true, "kr": true, "mo": true, "ie": true, "eu": true,
}

// cheapTLDs are domains that cost next to nothing and dominate phishing
// reports; honest brands rarely use them.
var cheapTLDs = map[string]bool{
	"trade": true, "rest": true, "cyou": true, "sbs": true, "monster": true, "quest": true, "bond": true, "cfd": true,
	"xyz": true, "top": true, "icu": true, "club": true, "online": true, "site": true, "live": true,
	"vip": true, "buzz": true, "work": true, "tk": true, "ml": true, "ga": true, "cf": true, "gq": true,
	"link": true, "click": true, "loan": true, "win": true, "pw": true, "su": true, "cc": true, "ws": true,
}

// shorteners hide the real destination.
var shorteners = map[string]bool{
	"bit.ly": true, "bit.do": true, "tinyurl.com": true, "t.co": true, "goo.gl": true, "is.gd": true,
	"ow.ly": true, "cutt.ly": true, "rb.gy": true, "t.cn": true, "url.cn": true, "dwz.cn": true,
	"smsg.io": true, "shorturl.at": true, "tiny.cc": true, "rebrand.ly": true, "s.id": true,
	"v.gd": true, "bl.ink": true, "t.ly": true, "buff.ly": true, "lnkd.in": true, "qr.net": true,
}

// lookalikeBrands are names that phishing domains borrow; a host that
// contains one but is not one of the brand's own domains (or its site in a
// country, countrySite) is a look-alike. A brand's own longer names
// ("microsoftonline.com", "dhlparcel.co.uk") belong in its list: without
// them its real password-reset page reads as phishing.
var lookalikeBrands = map[string][]string{
	"amazon":        {"amazon.com", "amazon.co.uk", "amazon.de", "amazon.com.au", "amazon.sg", "amazon.cn", "amazonaws.com", "amazon.jobs", "amazonpay.in"},
	"apple":         {"apple.com", "apple.com.cn"},
	"icloud":        {"icloud.com"},
	"office365":     {"office365.com", "office.com"},
	"paypal":        {"paypal.com", "paypal.me", "paypalobjects.com"},
	"netflix":       {"netflix.com", "netflix.net"},
	"microsoft":     {"microsoft.com", "microsoftonline.com", "microsoft365.com", "microsoftstore.com"},
	"usps":          {"usps.com"},
	"fedex":         {"fedex.com"},
	"dhl":           {"dhl.com", "dhl.de", "dhlparcel.co.uk", "dhlparcel.nl", "dhlecommerce.com"},
	"royalmail":     {"royalmail.com", "royalmailgroup.com"},
	"hmrc":          {"gov.uk"},
	"irs":           {"irs.gov"},
	"taobao":        {"taobao.com"},
	"alipay":        {"alipay.com"},
	"jd":            {"jd.com"},
	"chase":         {"chase.com"},
	"wellsfargo":    {"wellsfargo.com", "wellsfargoadvisors.com"},
	"bankofamerica": {"bankofamerica.com"},
	"ups":           {"ups.com"},
	"evri":          {"evri.com"},
	"auspost":       {"auspost.com.au"},
	"singpost":      {"singpost.com"},
	"etc":           {},
	"steam":         {"steampowered.com", "steamcommunity.com"},
	"coinbase":      {"coinbase.com"},
	"binance":       {"binance.com", "binance.us"},
	"hsbc":          {"hsbc.com", "hsbc.co.uk", "hsbc.com.hk"},
	"barclays":      {"barclays.co.uk", "barclays.com"},
	"santander":     {"santander.co.uk", "santander.com"},
	"natwest":       {"natwest.com"},
	"carousell":     {"carousell.com", "carousell.sg", "carousell.com.hk", "carousell.com.my"},
	"shopee":        {"shopee.com", "shopee.sg", "shopee.tw", "shopee.com.my", "shopee.co.id", "shopee.ph", "shopee.vn", "shopee.co.th"},
	"facebook":      {"facebook.com", "fb.com", "facebookmail.com"},
	"whatsapp":      {"whatsapp.com", "whatsapp.net"},
	"hkpost":        {"hongkongpost.hk"},
	"airbnb":        {"airbnb.com", "airbnb.co.uk", "airbnb.com.au"},
	"ticketmaster":  {"ticketmaster.com", "ticketmaster.co.uk", "ticketmaster.com.au"},
	"instagram":     {"instagram.com"},
	"venmo":         {"venmo.com"},
	"zelle":         {"zellepay.com", "zelle.com"},
	"ocbc":          {"ocbc.com", "ocbc.com.sg"},
	"maybank":       {"maybank.com", "maybank2u.com.my"},
	"citibank":      {"citibank.com", "citi.com"},
	"lloyds":        {"lloydsbank.com", "lloyds.com", "lloydsbank.co.uk"},
	"monzo":         {"monzo.com"},
	"revolut":       {"revolut.com"},
	"ebay":          {"ebay.com", "ebay.co.uk"},
	"dbs":           {"dbs.com", "dbs.com.sg", "dbs.com.hk", "dbs.com.tw"},
	"posb":          {"posb.com.sg"},
	"uob":           {"uob.com.sg", "uobgroup.com"},
	"singpass":      {"singpass.gov.sg"},
	"interac":       {"interac.ca"},
	"disney":        {"disney.com", "disneyland.com", "disneyplus.com", "hongkongdisneyland.com", "shanghaidisneyresort.com"},
	"nhi":           {"nhi.gov.tw"},
	"medicare":      {"medicare.gov"},
	"unionpay":      {"unionpay.com", "unionpayintl.com"},
	"icbc":          {"icbc.com.cn", "icbc.com", "icbcasia.com"},
}

// findLinks returns the web addresses in text with the signal each one raises.
func findLinks(text string) []codeHit {
	var found []codeHit
	for i := 0; i < len(text); {
		if !isURLByte(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isURLByte(text[j]) {
			j++
		}
		// Every address has a dot; most words do not.
		if strings.IndexByte(text[i:j], '.') < 0 {
			i = j
			continue
		}
		// "…csl-points-hk.com（只需…" folds its bracket to "(" right after
		// the address: an opening bracket ends it, as a closing one does.
		token := strings.TrimRight(text[i:j], ".,;:!?)('\"")
		// "請更新：sf-express.top" folds its colon to ":" right before
		// the address: it is punctuation, not part of the host.
		if trimmed := strings.TrimLeft(token, ":;,!?('\""); len(trimmed) < len(token) {
			i += len(token) - len(trimmed)
			token = trimmed
		}
		// "a purchase at BESTBUY.COM": a card alert names the merchant in
		// capitals; nobody types a link to click that way.
		if merchantDescriptor(token) {
			i = j
			continue
		}
		// "Click:http://…" and "details.www.bank.tk": the address starts
		// at its scheme or at www.
		if k := indexFold(token, "http"); k > 0 {
			token, i = token[k:], i+k
		} else if k := indexFold(token, "www."); k > 0 {
			token, i = token[k:], i+k
		}
		if signal, ok := classifyLink(token); ok {
			found = append(found, codeHit{signal: signal, start: i, end: i + len(token)})
		}
		i = j
	}
	return found
}

// indexFold is strings.Index ignoring ASCII case.
func indexFold(s, substr string) int {
	return strings.Index(strings.ToLower(s), substr)
}

func isURLByte(b byte) bool { return urlBytes[b] }

// urlBytes are the bytes a web address is made of (RFC 3986).
var urlBytes = func() (set [256]bool) {
	for _, b := range []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&'()*+,;=%") {
		set[b] = true
	}
	return set
}()

// classifyLink decides whether token is a web address and which signal it raises.
func classifyLink(token string) (string, bool) {
	lower := strings.ToLower(token)
	explicit := false
	// Schemes come mangled on purpose to dodge filters: "http:/", "http:l/",
	// "http/", "hxxps://".
	for _, scheme := range []string{"https", "http", "hxxps", "hxxp"} {
		if rest, ok := strings.CutPrefix(lower, scheme); ok && len(rest) > 0 && (rest[0] == ':' || rest[0] == '/') {
			lower = strings.TrimLeft(rest, ":/l")
			explicit = true
			break
		}
	}
	if strings.HasPrefix(lower, "www.") {
		explicit = true
	}
	host := lower
	if k := strings.IndexAny(host, "/?#"); k >= 0 {
		host = host[:k]
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:] // "https://paypal.com@evil.example" goes to evil.example
	}
	if k := strings.LastIndexByte(host, ':'); k >= 0 {
		host = host[:k]
	}
	host = strings.Trim(host, ".-")
	if _, err := netip.ParseAddr(host); err == nil && strings.Count(host, ".") == 3 {
		return "link_ip_address", true
	}
	dot := strings.LastIndexByte(host, '.')
	if dot <= 0 || dot == len(host)-1 {
		return "", false
	}
	tld := host[dot+1:]
	for _, r := range tld {
		if r < 'a' || r > 'z' {
			return "", false
		}
	}
	if !explicit && !commonTLDs[tld] {
		return "", false
	}
	host = strings.TrimPrefix(host, "www.")
	if strings.HasSuffix(strings.SplitN(lower, "?", 2)[0], ".apk") {
		return "link_app_download", true // an app installed from a text is how phones get taken over
	}
	switch {
	case ownDomain(host):
		// The brand's own address (dhl.com, irs.gov) is where people should
		// check: no evidence of anything.
		return "", false
	case shorteners[host]:
		return "link_shortener", true
	case isLookalike(host), borrowsAuthority(host):
		return "link_lookalike", true
	case cheapTLDs[tld]:
		return "link_cheap_tld", true
	}
	return "link_url", true
}

// isLookalike reports a host that borrows a brand's name without being one
// of the brand's domains: "amazon-verify.com", "paypa1.co", "dhl.parcel-help.top".
func isLookalike(host string) bool {
	labels := strings.FieldsFunc(host, func(r rune) bool { return r == '.' || r == '-' })
	flat := strings.NewReplacer("-", "", "0", "o", "1", "l").Replace(host)
	for brand, domains := range lookalikeBrands {
		named := len(brand) >= 5 && strings.Contains(flat, brand)
		for _, label := range labels {
			named = named || label == brand
		}
		if !named {
			continue
		}
		own := countrySite(host, brand)
		for _, d := range domains {
			if host == d || strings.HasSuffix(host, "."+d) {
				own = true
			}
		}
		if !own {
			return true
		}
	}
	return false
}

// officialWords are what phishing hosts dress up in: the state, the post,
// the service the text claims to come from ("post-gov-tw.top",
// "auspost-parcels-au.com", "10086-jf.cn", "etc-renzheng.xyz").
var officialWords = map[string]bool{
	"gov": true, "govt": true, "government": true, "official": true, "post": true, "parcel": true,
	"parcels": true, "delivery": true, "customs": true, "toll": true, "tolls": true, "etc": true,
	"ezpass": true, "rewards": true, "points": true, "jf": true, "jifen": true, "refund": true,
	"refunds": true, "verify": true, "verification": true, "secure": true, "login": true,
	"account": true, "billing": true, "renzheng": true, "kefu": true, "tuikuan": true, "pay": true,
	"payment": true, "payments": true, "fee": true, "fees": true, "fine": true, "fines": true, "support": true,
	"service": true, "services": true, "help": true, "update": true,
	"reward": true, "bonus": true, "redeem": true, "claim": true, "prize": true,
	// Chinese public services by their pinyin initials and hotlines: the
	// housing fund, social and medical insurance, the tax and traffic
	// offices ("gjj-shengji.com", "12123-fakuan.cc").
	"confirm": true, "renew": true, "renewal": true, "tax": true, "dvla": true, "vehicle": true, "unlock": true,
	"unblock": true, "reactivate": true, "activation": true,
	// Couriers' and licensing offices' errands ("rm-redeliver.com",
	// "ontario-fines.ca", "dmv-licence.top").
	"redeliver": true, "redelivery": true, "reschedule": true, "rebook": true, "tracking": true,
	"dmv": true, "licence": true, "license": true,
	"gjj": true, "shebao": true, "yibao": true, "ybj": true, "shengji": true, "tuifei": true, "butie": true,
	"12333": true, "12123": true, "12306": true, "12366": true, "10086": true, "10010": true,
}

// borrowsAuthority reports a host that dresses up as an authority or a
// service without being one: a "gov" label outside a government domain,
// or an official word glued to another name with a hyphen or on a
// throw-away domain. Government and education domains are their own.
func borrowsAuthority(host string) bool {
	labels := strings.Split(host, ".")
	for i, label := range labels {
		if (label == "gov" || label == "edu") && i >= len(labels)-2 {
			return false // irs.gov, gov.uk, www.gov.cn, nhsa.gov.cn
		}
	}
	tld := labels[len(labels)-1]
	for _, label := range labels[:len(labels)-1] {
		parts := strings.Split(label, "-")
		for _, part := range parts {
			if !officialWords[part] {
				continue
			}
			if part == "gov" || part == "govt" || len(parts) > 1 || cheapTLDs[tld] {
				return true
			}
		}
	}
	return false
}

// ownDomain reports a host that is one of the known brands' own domains.
func ownDomain(host string) bool {
	for _, domains := range lookalikeBrands {
		for _, d := range domains {
			if host == d || strings.HasSuffix(host, "."+d) {
				return true
			}
		}
	}
	return false
}

// merchantDescriptor reports a bare domain written in capitals with no
// scheme or path, as banks print the merchant of a card payment.
func merchantDescriptor(token string) bool {
	if strings.ContainsAny(token, "/:") {
		return false
	}
	letters := 0
	for _, r := range token {
		switch {
		case r >= 'a' && r <= 'z':
			return false
		case r >= 'A' && r <= 'Z':
			letters++
		}
	}
	return letters >= 4
}

// countrySite reports the brand's own site in a country: the brand's name
// right under a country's domain ("amazon.in", "amazon.co.uk",
// "apple.com.au"), which brands hold in most countries. A throw-away
// domain is never one ("amazon.top").
func countrySite(host, brand string) bool {
	labels := strings.Split(host, ".")
	country := func(l string) bool { return len(l) == 2 && !cheapTLDs[l] }
	switch {
	case len(labels) == 2:
		return labels[0] == brand && country(labels[1])
	case len(labels) == 3:
		second := labels[1] == "co" || labels[1] == "com" || labels[1] == "net" || labels[1] == "org"
		return labels[0] == brand && second && country(labels[2])
	}
	return false
}
