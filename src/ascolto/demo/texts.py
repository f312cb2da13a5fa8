"""What people write: template banks by intent, filled and roughened like real social text.

Mostly Italian with some English. Users' texts get typos, dropped accents, chat abbreviations
and emoji at random; the brand writes clean, friendly Italian.
"""

from __future__ import annotations

import random

from ascolto.demo.brand import PRODUCTS, SITE

CITIES = (
    "Milano",
    "Roma",
    "Napoli",
    "Torino",
    "Bologna",
    "Firenze",
    "Bari",
    "Palermo",
    "Genova",
    "Verona",
    "Padova",
    "Catania",
    "Trieste",
    "Brescia",
    "Parma",
    "Lecce",
    "Pescara",
    "Cagliari",
    "Trento",
    "Perugia",
)
SHOPS = ("Esselunga", "Coop", "Conad", "Carrefour", "Amazon", "Pam", "Despar", "Iper", "Famila")

_IT: dict[str, tuple[str, ...]] = {
    "purchase": (
        "dove lo compro l'{product}? a {city} non lo trovo da nessuna parte {e}",
        "quanto costa l'{product}?",
        "si trova da {shop} l'{product}? {e}",
        "lo vendete online? vorrei ordinarne 3 confezioni",
        "c'è un codice sconto per il primo ordine sul sito?",
        "le capsule {product} sono compatibili con la mia macchina? se sì le prendo subito",
        "voglio regalarlo a mio padre per Natale, dove lo trovo l'{product}?",
        "prezzo della confezione da 1kg in grani?",
        "avete ancora i kit regalo? quanto vengono?",
        "finito il pacco, ne ordino subito un altro. link dello shop?",
        "a {city} in quale supermercato trovo l'{product}?",
        "ma l'{product} lo fate anche in confezione da 6? lo prenderei per l'ufficio",
        "spedite anche in Svizzera? vorrei ordinare",
        "c'è ancora l'offerta 3x2 sull'{product}?",
        "dove posso comprare la moka Aurora? su {shop} è esaurita {e}",
        "quanto costa la spedizione per 2 confezioni di {product}?",
        "lo voglio!!! dove si compra?? {e}",
        "ciao, fate consegne a {city} in giornata? devo ordinare per un regalo",
        "posso pagare in contrassegno se ordino dal sito?",
        "ma l'{product} da {shop} costa meno che sul vostro sito, come mai? quale conviene?",
    ),
    "question": (
        "ma l'{product} è adatto a chi è celiaco?",
        "che differenza c'è tra {product} e {product2}?",
        "quanta caffeina c'è nell'{product}?",
        "le capsule sono compostabili? dove le butto, nell'umido o nella plastica?",
        "qual è la macinatura giusta per la moka?",
        "l'{product} è biologico certificato?",
        "da dove viene il caffè che usate? {e}",
        "una volta aperta la confezione quanto dura l'{product}?",
        "c'è lattosio nell'{product}?",
        "come si partecipa al contest? non ho capito il regolamento",
        "l'{product} è adatto in gravidanza? quanta caffeina ha una tazzina?",
        "quando esce l'{product} in formato grani?",
        "le cialde funzionano con la macchina Lavazza?",
        "l'{product} è tostato in Italia? dove?",
        "ma l'aroma dell'{product} è naturale o aggiunto?",
        "si può usare l'{product} per il caffè freddo shakerato?",
        "avete una versione senza zucchero dell'{product}?",
        "scusate, ma la confezione è riciclabile? nel giallo o nella carta?",
        "domanda seria: il decaffeinato come lo fate? con solventi?",
        "come si conserva il caffè macinato? frigo sì o no?",
        "c'è un punto vendita Aurora a {city}?",
        "l'{product} va bene per la French press?",
    ),
    "complaint": (
        "ho ordinato sul vostro sito il {date} e non è ancora arrivato niente. ordine n. {order}",
        "le capsule {product} si bloccano nella macchina, ne ho buttate metà {angry}",
        "confezione arrivata aperta e caffè sparso ovunque nel pacco. come faccio il reso?",
        "il sapore dell'{product} è cambiato, ora sa di bruciato. avete cambiato miscela?",
        "vi ho scritto 3 mail al servizio clienti e nessuno risponde {angry}",
        "addebito doppio sulla carta per lo stesso ordine {order}, aiutatemi per favore",
        "il codice sconto non funziona al checkout, dice scaduto ma non lo è",
        "la moka che ho comprato perde dalla guarnizione dopo due settimane",
        "pacco consegnato al vicino sbagliato, il corriere dice che è colpa vostra",
        "trovato un pezzo di plastica nel macinato {product}, lotto {order}. vergogna",
        "sono 10 giorni che aspetto il rimborso per l'ordine {order}",
        "le cialde sono arrivate tutte schiacciate, non si possono usare",
        "sul sito c'è scritto disponibile ma poi annullate l'ordine. è la seconda volta",
        "il numero verde non risponde mai, che servizio è??",
        "ho ricevuto l'{product2} invece dell'{product}. ora che faccio?",
        "l'app non mi fa accedere da giorni, errore 500 {angry}",
        "il caffè è arrivato scaduto da un mese. ordine {order}",
        "mi avete addebitato la spedizione anche se superavo i 29€",
    ),
    "idea": (
        "perché non fate una versione decaffeinata dell'{product}? la prenderei al volo",
        "sarebbe bello avere capsule in carta compostabile {e}",
        "proposta: un abbonamento mensile con consegna a casa",
        "fate un gusto nocciola per l'inverno! {e}",
        "potreste mettere la data di tostatura sulla confezione, come i torrefattori piccoli",
        "idea: raccolta delle capsule usate nei supermercati per riciclarle",
        "mettete una ricetta sul retro del pacco, tipo affogato o tiramisù",
        "una app per ordinare e accumulare punti sarebbe comoda",
        "fate confezioni più piccole per chi vive da solo, 250g durano troppo",
        "perché non organizzate dei corsi di caffè a {city}?",
        "suggerimento: una linea di tazzine con il logo Aurora {e}",
        "vi consiglio di fare una versione in grani dell'{product}",
        "sarebbe top un kit degustazione con tutte le miscele",
        "potreste collaborare con i bar di quartiere di {city}, prodotto locale!",
        "idea per il contest: votazioni anche dal sito e non solo dai commenti",
    ),
    "praise": (
        "l'{product} è il mio buongiorno ogni mattina {e}",
        "miglior caffè da supermercato, punto.",
        "provato l'{product}: cremoso e per niente amaro. promosso! {e}",
        "grazie per la risposta veloce, servizio clienti top",
        "la confezione natalizia è bellissima {e}",
        "da quando uso l'{product} non torno più indietro",
        "che profumo quando apri il pacco di {product}... {e}",
        "la moka di nonna + {product} = felicità",
        "complimenti per lo spot, finalmente qualcosa di carino {e}",
        "l'{product} col cornetto al bar sotto casa è la morte sua",
        "ho regalato il kit Aurora a mia suocera ed è impazzita {e}",
        "siete bravissimi, l'{product} è perfetto anche con la macchina piccola",
        "buonissimo il nuovo {product} {e}{e}",
        "bravi, bella l'iniziativa sul riciclo delle capsule",
    ),
    "spam": (
        "Guadagna 500€ al giorno da casa!!! scrivimi in DM {money}{money}",
        "Segui la mia pagina per vincere un iPhone 👉 bit.ly/vinci-{order}",
        "CRYPTO SIGNALS 🚀🚀 entra nel gruppo t.me/segnali_{order}",
        "Compra follower veri a 1€ → link in bio {money}",
        "Ciao! Guarda il mio profilo, ho una proposta per te 🔥🔥",
        "OFFERTA LAMPO occhiali da sole -90% solo oggi su shop-{order}.top",
        "Vuoi lavorare da casa? Contattami su WhatsApp {money}",
    ),
    "chatter": (
        "lunedì senza caffè non si parte {e}",
        "moka sul fuoco, giornata iniziata",
        "qualcuno ha provato il nuovo {product}? com'è?",
        "caffè e pioggia, combo perfetta {e}",
        "terzo caffè della mattina e sono ancora in coma",
        "io il caffè lo prendo solo amaro, il resto è eresia",
        "al bar oggi mi hanno dato l'{product}, non male",
        "chi altro fa la scorta di {product} quando c'è l'offerta? {e}",
        "il rumore della moka la mattina non ha prezzo",
        "pausa caffè con i colleghi, oggi {product}",
        "a {city} piove da tre giorni, per fortuna c'è il caffè",
        "domenica mattina, giornale e {product} {e}",
    ),
}

_EN: dict[str, tuple[str, ...]] = {
    "purchase": (
        "where can I buy {product} in the UK?",
        "how much is the {product} box? do you ship to Germany?",
        "is there a discount code for first orders? want to try {product}",
    ),
    "question": (
        "is the {product} fair trade certified?",
        "do your capsules work with Dolce Gusto machines?",
        "how much caffeine is in one cup of {product}?",
    ),
    "complaint": (
        "my order {order} never arrived, can someone help?",
        "the capsules keep jamming my machine {angry}",
        "charged twice for the same order, no reply to my emails",
    ),
    "idea": (
        "you should make a cold brew concentrate!",
        "please sell bigger bags of {product} beans",
    ),
    "praise": (
        "best espresso I've had outside Italy {e}",
        "{product} is just perfect, thank you!",
        "brought back 4 packs of {product} from my trip to {city} {e}",
    ),
    "spam": ("Earn $$$ from home, DM me now {money}", "check my profile for free followers 🔥"),
    "chatter": ("coffee first, then everything else {e}", "Monday mood: {product} and silence"),
}

_EMOJI = {
    "purchase": ("🛒", "😍", "🙏", "☕", "🤩", "🎁"),
    "question": ("🤔", "☕", "🙏", "😅", "❓"),
    "complaint": ("😡", "😤", "🤬", "👎", "😞"),
    "idea": ("💡", "😉", "🌰", "🙌", "☕"),
    "praise": ("☕❤️", "😍", "🔥", "👏", "🥰", "💯", "☕"),
    "spam": ("💰", "🚀", "🔥", "💸"),
    "chatter": ("☕", "😴", "🌧️", "😂", "🥐", "☕☕"),
}

_ANSWERS: dict[str, tuple[str, ...]] = {
    "purchase": (
        "Ciao {first}! Lo trovi sul nostro shop {site}/shop, spedizione gratuita sopra i 29€ 😊",
        "Ciao {first}, l'{product} costa 4,90€ (250g). Con il codice BENVENUTO10 hai il 10% "
        "sul primo ordine! ☕",
        "Ciao {first}! Lo trovi da {shop} e su {site}/shop. Buona colazione!",
        "Ciao {first}, sì! Spediamo in 24/48h, qui il link: {site}/shop 🛒",
        "Ciao {first}! Il kit regalo costa 24,90€ ed è disponibile fino a esaurimento scorte 🎁",
    ),
    "question": (
        "Ciao {first}, ottima domanda! Trovi tutte le informazioni su {site}/faq 😊",
        "Ciao {first}, l'{product} è naturalmente senza glutine e senza lattosio.",
        "Ciao {first}, le nostre capsule vanno nell'umido: sono compostabili certificate 🌱",
        "Ciao {first}, usiamo arabica da Brasile ed Etiopia, tostata a Verona ☕",
        "Ciao {first}, per la moka consigliamo la macinatura media. Buon caffè!",
    ),
    "complaint": (
        "Ciao {first}, ci dispiace molto. Scrivici in DM il numero d'ordine e verifichiamo subito.",
        "Ciao {first}, siamo spiacenti per il disagio. Ti abbiamo scritto in privato 🙏",
        "Ciao {first}, abbiamo girato la segnalazione al servizio clienti, ti contattano oggi.",
        "Ciao {first}, scusaci! Ti rimborsiamo la spedizione: mandaci i dati in DM.",
    ),
    "idea": (
        "Grazie {first}, giriamo l'idea al nostro team prodotto! 💡",
        "Bellissima idea {first}, ne parliamo in ufficio 😉",
    ),
    "praise": (
        "Grazie mille {first}! ☕❤️",
        "Che bello leggerti {first}, buon caffè! 😊",
        "Grazie {first}, ci hai fatto la giornata 🥰",
    ),
}

_FOLLOW_UPS = {
    "answered": (
        "grazie mille!",
        "grazie per la risposta 🙏",
        "perfetto, grazie",
        "ok grazie",
        "gentilissimi",
        "thanks!",
        "ah ok, grazie!",
    ),
    "unanswered": (
        "nessuna risposta? 🙄",
        "ciao? c'è qualcuno?",
        "ancora aspetto una risposta",
        "up",
        "vedo che rispondete solo a chi compra...",
    ),
}

_PEER = (
    "stessa cosa anche a me",
    "concordo",
    "anche io vorrei saperlo",
    "idem 😅",
    "io l'ho trovato da {shop}",
    "prova a scrivere in DM, a me hanno risposto",
    "ahah vero",
    "anche io!!",
    "a me è successo lo stesso",
    "{product} tutta la vita",
)

BRAND_POSTS = (
    "Buongiorno! Oggi si parte con {product}. E voi come prendete il primo caffè? ☕ "
    "#BuongiornoAurora",
    "Il segreto di una moka perfetta? Acqua fino alla valvola e fuoco basso 🔥 #caffè #moka",
    "Nuovo su {site}: la guida alle miscele. Qual è la vostra preferita? #CaffèAurora",
    "Pausa caffè? {product}, ovviamente. Taggate il collega con cui lo bevete! ☕",
    "Dal chicco alla tazzina: vi portiamo nella nostra torrefazione di Verona 🎥 #CaffèAurora",
    "Weekend = colazione lunga. Cornetto e {product}? #colazione",
    "Lo sapevate? Le nostre capsule sono compostabili e vanno nell'umido 🌱 #sostenibilità",
    "Spedizione gratuita per tutto il weekend su {site}/shop 🛒 #CaffèAurora",
    "La ricetta del giorno: affogato al caffè con {product} 🍨 #ricette",
    "Vi presentiamo {product}: gusto pieno, crema vellutata. Provato? #CaffèAurora",
    "Un caffè sospeso per chi ne ha bisogno ☕❤️ #BuongiornoAurora",
    "Cosa non può mancare nella vostra colazione? Raccontatecelo qui sotto 👇 #colazione",
)

COLD_BREW_POST = (
    "È arrivato Aurora Cold Brew! Caffè estratto a freddo per 16 ore, da bere "
    "liscio o con ghiaccio 🧊 Lo trovate su {site}/shop #AuroraColdBrew"
)
CHRISTMAS_POST = (
    "Aurora Natale Edizione Limitata è qui 🎄 Miscela speziata e confezione "
    "regalo. Solo fino al 6 gennaio! #AuroraNatale"
)

HUB_POSTS = (
    "Colazione di oggi: {product} e cornetto integrale. Voi come iniziate? @CaffeAurora ☕",
    "Ho provato il nuovo {product} di @CaffeAurora: onesto, cremoso, buon rapporto qualità "
    "prezzo. Voto 8 🔥",
    "Moka vs capsule: la sfida continua. Oggi vince la moka con {product} #caffè @CaffeAurora",
    "Ricetta veloce: tiramisù in barattolo con {product} di @CaffeAurora 🍮 #adv",
    "Il caffè perfetto per me? {product}, amaro, in tazzina calda. Voi? @CaffeAurora",
    "Sto testando le miscele di @CaffeAurora per la mia routine pre-allenamento 💪 #adv",
    "Unboxing del kit @CaffeAurora arrivato oggi 📦 cosa volete che provi per primo?",
)
COMMUNITY_REPLIES = (
    "che bella foto!",
    "anche io la uso tutti i giorni",
    "ma dove l'hai presa la tazza?",
    "l'{product} è il mio preferito",
    "sempre top i tuoi consigli",
    "provo subito 😍",
    "io preferisco la moka tutta la vita",
    "concordo su tutto",
    "mi hai convinto, lo compro",
    "ricetta salvata!",
    "sei il migliore 🔥",
    "ma è sponsorizzato?",
    "voto 10 anche per me",
)


def fill(rng: random.Random, template: str, **extra: str) -> str:
    """Fill a template's slots (product, city, shop, emoji...) with random values."""
    product, product2 = rng.sample(PRODUCTS, 2)
    values = {
        "product": product,
        "product2": product2,
        "city": rng.choice(CITIES),
        "shop": rng.choice(SHOPS),
        "order": str(rng.randrange(100_000, 999_999)),
        "date": f"{rng.randrange(1, 28)}/{rng.randrange(9, 13)}",
        "site": SITE,
        "e": rng.choice(_EMOJI["chatter"]),
        "angry": rng.choice(_EMOJI["complaint"]),
        "money": rng.choice(_EMOJI["spam"]),
        "first": "",
    }
    values.update(extra)
    return template.format_map(values)


_OPENERS = (
    "ciao, ",
    "buongiorno, ",
    "salve, ",
    "scusate, ",
    "ciao ragazzi, ",
    "una domanda: ",
    "ehi ",
    "buonasera, ",
)
_CLOSERS = {
    "question": (" grazie", " grazie mille", " 🙏", " grazie in anticipo"),
    "complaint": (" pessimo servizio", " grazie", " rispondete per favore", " 😤"),
    "purchase": (" grazie", " 🙏", " grazie mille!", " fatemi sapere"),
    "idea": (" 😉", " pensateci!", " sarebbe top"),
    "praise": (" #colazione", " #caffè", " ☕", " #buongiorno", " ❤️"),
    "chatter": (" #caffè", " #mood", " ☕", " #lunedì"),
}


def user_text(rng: random.Random, intent: str, english: bool = False) -> str:
    """A user's message with ``intent``, roughened; English when ``english``."""
    bank = _EN if english else _IT
    template = rng.choice(bank[intent])
    text = fill(rng, template, e=rng.choice(_EMOJI[intent]))
    if (
        not english
        and intent in ("question", "complaint", "purchase", "idea")
        and rng.random() < 0.3
    ):
        text = rng.choice(_OPENERS) + text[:1].lower() + text[1:]
    if not english and intent in _CLOSERS and rng.random() < 0.25:
        text = text.rstrip(" .") + rng.choice(_CLOSERS[intent])
    return roughen(rng, text)


def answer_text(rng: random.Random, intent: str, first_name: str, about: str = "") -> str:
    """The brand's reply to a message with ``intent``, addressed by first name, naming the
    product the message was ``about`` when it names one."""
    low = about.lower()
    named = next((p for p in PRODUCTS if p.lower() in low), None)
    extra = {"product": named} if named else {}
    return fill(rng, rng.choice(_ANSWERS[intent]), first=first_name, **extra)


def follow_up_text(rng: random.Random, answered: bool) -> str:
    return roughen(rng, rng.choice(_FOLLOW_UPS["answered" if answered else "unanswered"]))


def peer_text(rng: random.Random) -> str:
    return roughen(rng, fill(rng, rng.choice(_PEER)))


def brand_post_text(rng: random.Random) -> str:
    return fill(rng, rng.choice(BRAND_POSTS))


def hub_text(rng: random.Random) -> str:
    return fill(rng, rng.choice(HUB_POSTS))


def community_text(rng: random.Random) -> str:
    return roughen(rng, fill(rng, rng.choice(COMMUNITY_REPLIES)))


_ACCENTS = str.maketrans({"è": "e", "é": "e", "à": "a", "ò": "o", "ù": "u", "ì": "i"})
_SLANG = (
    (" che ", " ke "),
    (" non ", " nn "),
    ("perché", "xké"),
    (" per ", " x "),
    ("comunque", "cmq"),
    ("grazie", "grz"),
    (" sono ", " sn "),
    ("questo", "qst"),
)


def roughen(rng: random.Random, text: str) -> str:
    """Make a clean template look typed on a phone: case, accents, slang, typos, emphasis."""
    if rng.random() < 0.4:
        text = text[:1].lower() + text[1:]
    elif rng.random() < 0.15:
        text = text[:1].upper() + text[1:]
    if rng.random() < 0.15:
        text = text.translate(_ACCENTS).replace(
            "perche", "perchè" if rng.random() < 0.3 else "perche"
        )
    if rng.random() < 0.18:
        for old, new in rng.sample(_SLANG, 3):
            text = text.replace(old, new)
    if rng.random() < 0.13:
        text = _typo(rng, text)
    if rng.random() < 0.1:
        text = text.rstrip(".!? ") + rng.choice(("!!!", "!!", "??", "...", " 😂"))
    elif rng.random() < 0.2:
        text = text.rstrip(".")
    return text


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)
