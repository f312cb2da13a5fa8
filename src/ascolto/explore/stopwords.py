"""Words that carry no theme, in the folded form the theme features use (lowercase, no accents).

Italian function words (articles, prepositions and their contractions, pronouns, conjunctions,
the forms of the auxiliary and modal verbs, common adverbs), the commonest of four other
European languages, the pieces an apostrophe leaves ("dell'", "l'", "don't"), chat
abbreviations, greetings and thanks that open and close messages of every theme, and days and
months (dates say when, not what). English comes from scikit-learn's list. Written here
because nothing may be downloaded at run time.
"""

from __future__ import annotations

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_ITALIAN = """
a ad al allo non ai agli alla alle all allora altra altre altri altro anche ancora avanti
c ce cosa cose cosi chi che chiunque ci cio ciascuno come comunque con coi col colla
contro cui d da dai dal dall dalla dalle dallo dagli de dei del dell della delle dello degli
dentro di dove dunque e ed ecco egli ella esso essa essi esse eppure fra fino forse fuori gia
gli i il in invece io l la le lei li lo loro lui ma magari me meco mai mentre mi mia mie miei
mio molta molte molti molto ne negli nei nel nell nella nelle nello nemmeno neanche neppure
no noi nostra nostre nostri nostro o ogni oppure ora ossia ove per perche pero piu poco poca
poche pochi poi purche qua quale quali qualche qualcosa qualcuno quando quanta quante quanti
quanto quasi quella quelle quelli quello questa queste questi questo qui s se sei senza si
sia siamo siete sono su sua sue sugli sui sul sull sulla sulle sullo suo suoi t ta te ti tra
tu tua tue tuo tuoi tutta tutte tutti tutto un una uno vi voi vostra vostre vostri vostro
altrimenti appena attraverso circa dopo durante entro insieme intanto lungo mediante oltre
presso prima proprio quindi sopra sotto spesso subito tanto tanta tante tanti troppo troppa
troppe troppi verso via vicino gia ormai pure sempre solo soltanto nulla niente nessuno
nessuna alcun alcuna alcune alcuni altrove assai bene benissimo meglio peggio male davvero
tipo cioe infatti inoltre mentre pertanto percio anzi bensi finche qualora sennonche
essere sono sei e siamo siete era eri eravamo eravate erano fui fosti fu fummo foste furono
saro sarai sara saremo sarete saranno sarei saresti sarebbe saremmo sareste sarebbero sia
siano fossi fosse fossimo foste fossero stato stata stati state essendo
avere ho hai ha abbiamo avete hanno avevo avevi aveva avevamo avevate avevano ebbi avesti ebbe
avemmo aveste ebbero avro avrai avra avremo avrete avranno avrei avresti avrebbe avremmo
avreste avrebbero abbia abbiano avessi avesse avessimo avessero avuto avuta avuti avute avendo
fare faccio fai fa facciamo fate fanno facevo faceva facevano feci fece fecero faro fara
faranno farei farebbe fatto fatta fatti fatte facendo faccia
stare sto stai sta stiamo state stanno stavo stava stavano stia stiano
potere posso puoi puo possiamo potete possono potevo poteva potrei potrebbe potremmo
potreste potrebbero potuto
dovere devo devi deve dobbiamo dovete devono dovevo doveva dovrei dovrebbe dovrebbero dovuto
volere voglio vuoi vuole vogliamo volete vogliono volevo voleva vorrei vorrebbe vorremmo
vorreste vorrebbero voluto
andare vado vai va andiamo andate vanno
dire dico dici dice diciamo dite dicono detto
sapere so sai sa sappiamo sapete sanno
vedere vedo vedi vede visto
uno due tre quattro cinque sei sette otto nove dieci cento mille primo prima secondo
oggi ieri domani adesso dopo ora ore anni anno giorno giorni volta volte
mio mia nostro suo loro cosa
nn ke x xke xche cmq sn qst qnd tt tvb cn pk dx sx ok okay ah eh ehi oh uh mah boh beh vabbe
ciao salve buongiorno buonasera buonanotte grazie grz mille ragazzi scusate scusa prego
lunedi martedi mercoledi giovedi venerdi sabato domenica gennaio febbraio marzo aprile
maggio giugno luglio agosto settembre ottobre novembre dicembre
"""

#: The commonest function words of the other languages social data mixes in most (Spanish,
#: French, German, Portuguese): without them a theme of Spanish tweets is named "el · que · los".
_OTHERS = """
el la los las lo un una unos unas del al y o pero que en con por para sobre es fue
ser esta estan este esto eso esa ese hay muy mas ya se su sus mi mis tu te le les nos como
cuando donde porque pues tambien solo todo todos nada algo yo ella ellos usted gracias hola
le la les un une des du de et ou mais que qui quoi dans sur avec pour par pas plus ne ce cet
cette ces est sont etait etre avoir ai as avons avez ont je tu il elle nous vous ils elles
mon ma mes ta tes sa ses leur leurs au aux tout tous tres bien merci oui non
der das den dem des ein eine einen einem einer und oder aber nicht ist sind sein
haben ich du er sie es wir ihr mit von zu auf im in an bei aus nach wie was auch
noch nur schon sehr so dass mein dein danke
o os as um uma uns umas do da dos das no na nos nas em com por para sem que nao sim e mas
ou se seu sua eu voce ele ela eles elas muito ja isso isto esse essa este esta obrigado
"""
# left out on purpose, words of English or Italian too: son, sin, die, war, hat, fur, ton, mais

_ENGLISH_EXTRA = """
don doesn didn isn aren wasn weren haven hasn hadn won wouldn couldn shouldn can ll ve re
im ive id youre thats theres whats dont doesnt didnt isnt cant wont u ur ya yeah yes
got get gets getting just like really pls plz thx thanks thank hi hello hey dm lol amp rt
http https www com
today tomorrow tonight yesterday
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
sat sun january february march april june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
does did doing gonna wanna gotta let lets guys thing things lot know want need try tried
trying say says said tell told think going make makes
"""

#: Every word the theme features leave out.
STOPWORDS: frozenset[str] = (
    frozenset(_ITALIAN.split())
    | frozenset(_ENGLISH_EXTRA.split())
    | frozenset(ENGLISH_STOP_WORDS)
    | frozenset(_OTHERS.split())
)
