// Phrases that carry the seed's conversation-friendly BANT signals, in English with the common
// German, French and Spanish forms. Each pattern's whole match is the phrase shown to the rep.
import { anyOf } from './unicode-regex.ts';

const MONTH = [
  'january|february|march|april|may|june|july|august|september|october|november|december',
  'januar|februar|märz|mai|juni|juli|oktober|dezember',
  'janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre',
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre',
].join('|');

const APPROX = String.raw`(?:about|around|roughly|approximately|approx\.?|~|some|over|nearly|almost|just under|just over|close to|maybe|etwa|rund|ca\.?|ungefähr|über|environ|près de|plus de|unos|unas|alrededor de|cerca de|más de)\s*`;
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  hundred: 100,
  dozen: 12,
};
const COUNT = String.raw`(\d{1,3}(?:[,.]\d{3})*|\d{1,6}|a dozen|${Object.keys(NUMBER_WORDS).join('|')})`;
const PEOPLE =
  'people|persons|users|seats|reps|employees|staff|salespeople|sellers|sdrs|bdrs|aes|agents|licen[cs]es|members|folks|engineers|marketers|heads|' +
  'mitarbeiter(?:innen|n)?|personen|leute|nutzer(?:innen)?|lizenzen|vertriebler|kollegen|' +
  'personnes|utilisateurs|salariés|employés|commerciaux|licences|collaborateurs|' +
  'personas|usuarios|empleados|comerciales|vendedores|licencias';

/** Group 1 or 2 is the number. */
export const TEAM_SIZE = anyOf([
  String.raw`\b(?:team|company|group|department|org|organi[sz]ation|crew|staff|équipe|equipo)\s+(?:of|von|aus|mit|de)\s+(?:${APPROX})?${COUNT}\b`,
  String.raw`\b(?:${APPROX})?${COUNT}\+?\s+(?:${PEOPLE})\b`,
]);

export const TIMELINE = anyOf([
  /\b(?:next|this|the coming|the next) (?:week|month|quarter|year|fiscal year|half|spring|summer|fall|autumn|winter)\b/,
  /\b(?:in|by|before|until|till|after|for|during|early|late|end of) (?:q[1-4]|h[12])(?: \d{4})?\b|\bq[1-4] \d{4}\b/,
  String.raw`\b(?:(?:by|in|before|until|from|after|around|early|late|mid|end of|beginning of|start of) |mid-)(?:the end of )?(?:${MONTH})\b`,
  /\b(?:by|before|at) the end of (?:the|this|next) (?:month|quarter|year)\b|\b(?:by )?(?:year|quarter|month)-end\b/,
  /\b(?:within|in) (?:the next )?(?:\d+|a|a few|a couple of|two|three|four|six|twelve) (?:days|weeks|months)\b/,
  /\b(?:asap|as soon as possible|right away|immediately)\b/,
  String.raw`\b(?:nächste[nsm]?|diese[nsm]?|kommende[nsm]?) (?:woche|monat|quartal|jahr|halbjahr)\b|\b(?:bis|im|ab) (?:ende )?(?:${MONTH}|q[1-4])\b|\bbis ende (?:des|dieses) (?:jahres|quartals|monats)\b|\bso schnell wie möglich\b`,
  String.raw`\b(?:le |au )?(?:mois|trimestre|semestre) prochain\b|\bl'année prochaine\b|\bce (?:mois|trimestre)(?:-ci)?\b|\bcette (?:semaine|année)\b|\bd'ici (?:la fin (?:du mois|de l'année|du trimestre)|(?:${MONTH}))\b|\b(?:au|ce) (?:premier|deuxième|troisième|quatrième) trimestre\b|\bdès que possible\b`,
  String.raw`\b(?:el )?próximo (?:mes|trimestre|año)\b|\b(?:la )?próxima semana\b|\beste (?:mes|trimestre|año)\b|\besta semana\b|\b(?:para|antes de|en) (?:finales de )?(?:${MONTH})\b|\bpara finales de (?:mes|año)\b|\blo antes posible\b`,
]);

const AMOUNT = String.raw`(?:[$€£]\s?\d[\d,.]*\s?(?:k|m)?\b|\d[\d,.]*\s?(?:k|m)?\s?(?:usd|eur|gbp|dollars?|euros?|pounds?|€|\$|£)(?!\p{L}))`;
const PER = String.raw`(?:\s*(?:/|a|an|per|each|every|pro|im|par|al|por)\s*(?:month|year|seat|user|licen[cs]e|mo|yr|annum|monat|jahr|nutzer|mois|an|année|utilisateur|mes|año|usuario)\b)?`;

export const BUDGET = anyOf([
  String.raw`(?:\b(?:about|around|roughly|up to|under|below|max(?:imum)?|at most|no more than|less than|etwa|bis zu|maximal|environ|jusqu'à|hasta|unos)\s+)?${AMOUNT}${PER}`,
  /\b(?:(?:no|zero|without) |(?:don't|do not) have (?:a |the |any )?|(?:haven't|have not) got (?:a |the |any )?)budget(?: (?:until|till|before|this|for|left)\b[^.,;!?\n]{0,25})?/,
  /\bbudget (?:is|was|has been) (?:approved|allocated|frozen|tight|limited|set aside|cut|already spent|in place)\b|\b(?:have|got) (?:the |a )?budget (?:for|approved)\b|\bbudget of [^.,;!?\n]{1,25}/,
  /\bkein(?:en)? budget\b|\bbudget (?:ist|von) [^.,;!?\n]{1,25}|\bpas de budget\b|\bbudget (?:de|est) [^.,;!?\n]{1,25}|\bsin presupuesto\b|\bno (?:tenemos|hay) presupuesto\b|\bpresupuesto (?:de|es) [^.,;!?\n]{1,25}/,
]);

const DECIDER = String.raw`(?:boss|manager|ceo|cto|cfo|coo|founder|co-?founder|team|partner|vp|director|head of \w+|board|leadership|management|finance team)`;
const MODAL = String.raw`(?:i(?:'ll| will)? (?:need|have) to|need to|have to|i must|let me|i'll|i will|i'd have to|i would have to)`;

export const AUTHORITY = anyOf([
  String.raw`\b(?:${MODAL} (?:check|talk|speak|discuss (?:it|this|that)|clear (?:it|this|that)|confirm)|check|clear (?:it|this|that)) with (?:my|our|the) ${DECIDER}\b`,
  String.raw`\b(?:${MODAL} )?run (?:it|this|that) (?:by|past) (?:my|our|the) ${DECIDER}\b`,
  /\bneeds? (?:approval|sign-?off|buy-?in|a green light) from\b[^.,;!?\n]{0,30}|\b(?:my|our) (?:boss|manager|ceo|cfo|founder) (?:decides|makes the call|has the final say|signs off|would decide|needs to approve)\b/,
  /\bi (?:make|own|have) (?:the|that|this|final) (?:call|decision|say)\b|\bthe (?:decision|call) is (?:mine|my call|up to me)\b|\bit'?s my (?:call|decision)\b|\bi(?:'m| am) the (?:decision[- ]maker|one who decides|person who decides|budget holder|final decision[- ]maker)\b|\bi decide\b|\bnot my (?:call|decision)\b|\bup to me\b/,
  /\b(?:ich )?(?:muss|müsste)(?: ich)? (?:das )?(?:erst |zuerst |noch )?mit (?:meinem|meiner|unserem|unserer) (?:chef(?:in)?|vorgesetzten|geschäftsführ(?:er|erin|ung)|team) (?:sprechen|abstimmen|besprechen)\b|\bich entscheide\b|\bentscheide ich\b|\bdie entscheidung liegt bei (?:mir|meinem chef)\b/,
  /\b(?:je dois|il faut que je) (?:en )?(?:parler|voir|valider|vérifier)(?: ça| cela)? avec (?:mon|ma|notre) (?:responsable|chef|patron|manager|directeur|directrice|équipe|direction)\b|\bc'est moi qui (?:décide|prends la décision)\b|\bla décision (?:me revient|est la mienne)\b|\bje décide\b/,
  /\b(?:tengo que|debo|tendría que) (?:consultarlo|hablarlo|comentarlo|verlo|validarlo) con mi (?:jefe|jefa|responsable|director|directora|equipo|socio)\b|\byo decido\b|\bdecido yo\b|\bla decisión es mía\b|\bsoy (?:yo )?quien decide\b/,
  // Signing off oneself: "I'd sign off on it myself", "I can approve this", "I hold the budget".
  /\bi(?:'d| would| can| could| will|'ll)? (?:sign off on|approve|green-?light|authori[sz]e) (?:it|this|that|the (?:purchase|contract|budget|deal|spend))\b(?: myself| on my own)?|\bi(?:'d| would| can| could| will|'ll)? sign (?:it |this |that |the contract )?(?:off )?(?:myself|on my own)\b|\bi (?:hold|own|control) the budget\b|\bi have (?:the )?(?:signing|sign-?off|budget|purchasing) authority\b|\bi(?:'m| am) the (?:one|person) who (?:signs off|signs|approves)\b|\bi sign off on\b[^.,;!?\n]{0,20}/,
  /\b(?:das )?(?:kann|darf|werde) ich (?:selbst |allein |alleine )?(?:entscheiden|freigeben|unterschreiben|genehmigen|abzeichnen)\b|\bich (?:gebe|zeichne) (?:das|es|den auftrag) (?:selbst |allein )?(?:frei|ab)\b|\bich habe (?:die )?(?:budgetverantwortung|entscheidungsbefugnis|prokura|zeichnungsbefugnis)\b|\bich unterschreibe (?:das|selbst)\b/,
  /\bje (?:peux|pourrai|pourrais|vais) (?:le |la |l'|les )?(?:signer|valider|approuver|décider)(?: moi-même| seule?| directement)\b|\bc'est moi qui (?:signe|valide|approuve)\b|\bj'ai (?:le budget|la main sur le budget|le pouvoir de décision|la délégation de signature)\b|\bje signe moi-même\b/,
  /\b(?:puedo|podría|voy a) (?:aprobarlo|aprobarla|firmarlo|firmarla|decidirlo|autorizarlo)(?: yo)?(?: mism[oa]| sol[oa]| directamente)?\b|\b(?:lo|la) (?:apruebo|firmo|autorizo) yo\b|\bsoy (?:yo )?quien (?:firma|aprueba|autoriza)\b|\btengo (?:el )?(?:presupuesto|poder de decisión|poder de firma)\b/,
]);

/** Lead-ins to the writer's goal: "we're trying to book more meetings". */
export const GOAL = anyOf([
  /\b(?:we(?:'re| are) (?:trying|looking|hoping|aiming) to|we want to|we'd like to|we would like to|we aim to|our (?:main |biggest |primary |top )?(?:goal|priority|focus|aim|objective) (?:is|right now is|this year is)|the goal is|main goal is|what we want is)\b/,
  /\b(?:wir wollen|wir möchten|unser (?:haupt)?ziel ist)\b|\b(?:nous voulons|nous cherchons à|on cherche à|notre objectif(?: principal)? est)\b|\b(?:queremos|buscamos|nuestro objetivo(?: principal)? es|lo que buscamos es)\b/,
  // The need behind it: "we need a way to…", "our biggest problem is…", in the same four languages.
  /\b(?:we (?:really |badly |urgently )?need (?:a|an|to|something|better|more|help)|we(?:'re| are) struggling (?:with|to)|we struggle (?:with|to)|our (?:biggest |main |real )?(?:problem|challenge|pain(?: point)?|bottleneck) (?:is|right now is)|what we(?:'re| are) missing is)\b/,
  /\b(?:wir brauchen (?:ein|eine|einen|mehr|bessere|dringend)|wir kämpfen mit|unser (?:größtes |eigentliches )?problem ist|uns fehlt (?:ein|eine|es an))\b|\b(?:nous avons besoin (?:d'|de)|on a besoin (?:d'|de)|notre (?:plus gros |principal )?problème(?:,)? c'est|notre (?:plus gros |principal )?problème est|nous galérons avec)|\b(?:necesitamos (?:un|una|más|mejor)|nuestro (?:mayor |principal )?problema es|nos cuesta)\b/,
]);

/** Goal sentences about the meeting itself ("we'd like to set up a call") say nothing about the goal. */
export const ABOUT_THE_MEETING = anyOf([
  /\b(?:call|meeting|demo|chat|invite|calendar|slot|telefonieren|termin|appel|rendez-vous|llamada|reunión)\b/,
]);

/** A line or sentence that only greets or thanks. */
export const GREETING =
  /^(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten (?:tag|morgen)|liebe[rs]?|sehr geehrte[rs]?|bonjour|salut|hola|buenos días|buenas(?: tardes)?)(?:\s+[\p{L}.'-]+){0,3}|(?:thanks|thank you|many thanks|vielen dank|danke|merci|gracias)(?: (?:so much|a lot|beaucoup|schön))?(?: (?:for|für|pour|por) [^.!?\n]{0,40})?)[\s,.!]*$/iu;
