// Opt-out wording, by language. Precision over recall: a false "unsubscribe" ends a conversation
// someone wanted, so each pattern is the writer asking about themselves (me, my address, my data),
// not a sentence that merely has a list or a removal in it.

const ENGLISH = [
  /\bunsubscribe\b/,
  /\bremove me\b(?! from (?:the )?(?:cc|thread|loop|call|meeting|invite))/,
  /\bremove my (?:e-?mail|address|details|data|contact)\b/,
  /\btake me off (?:of )?(?:your|this|the) (?:\w+ )?list\b/,
  /\bopt me out\b/,
  // "I'd like to be removed from all future emails", "make sure I am taken off your list" (the writer, not a list's entries).
  /\b(?:I(?:['’]d| would)? (?:like|want|wish|need|ask) to be|(?:make sure|ensure) (?:that )?I(?:['’]m| am)|please have me) (?:removed from|taken off(?: of)?) (?:all |any )?(?:future |further )?(?:e-?mails|mailings|communications?|(?:your |this |the |mailing |e-?mail )+list)\b/,
  /\b(?:don't|dont|don’t|do not|never) (?:contact|e-?mail|write to|message) me\b/,
];

// "Bitte austragen", "tragen Sie mich aus", "ich möchte keine weiteren Mails erhalten",
// "löschen Sie meine Daten", "schreiben Sie mir nicht mehr".
const GERMAN = [
  /\babmelden\b|\b(?:bitte|mich|uns) (?:\w+ )?austragen\b|\btragen sie mich (?:bitte )?aus\b|\bmich (?:bitte )?aus (?:ihrem|dem|eurem|diesem) (?:verteiler|newsletter)/,
  /\bkeine (?:weiteren )?(?:e-?mails|mails|nachrichten|newsletter|werbung|kontaktaufnahmen?)(?: mehr)?(?: von (?:ihnen|euch|dir))? (?:mehr )?(?:erhalten|bekommen|zusenden|schicken|senden)\b/,
  /\bkeine (?:weiteren )?(?:e-?mails|mails|nachrichten|newsletter) mehr\b/,
  /\b(?:entfernen|nehmen|streichen|l[öo]schen) sie mich (?:bitte )?aus (?:ihrem|dem|eurem|diesem) verteiler\b|\baus (?:ihrem|dem|eurem) verteiler (?:nehmen|streichen|l[öo]schen|entfernen)\b/,
  /\bl[öo]schen sie (?:bitte )?meine (?:daten|adresse|e-?mail-?adresse|kontaktdaten)\b/,
  /\b(?:schreiben|kontaktieren|mailen) sie mi(?:r|ch) (?:bitte )?nicht mehr\b/,
];

// "Désabonnez-moi", "merci de ne plus me contacter", "retirez-moi de votre liste".
const FRENCH = [
  /\bd[ée]sinscri|\bd[ée]sabonn/,
  /\bne (?:(?:veux|souhaite|désire) )?plus (?:recevoir|être contacté)|\bne plus me (?:contacter|[ée]crire|solliciter|relancer|envoyer)\b/,
  /\bne m['’](?:[ée]crivez|envoyez|contactez) plus\b|\bne me (?:contactez|relancez|sollicitez) plus\b/,
  /\b(?:retirez|supprimez|enlevez|rayez)[- ]moi de (?:votre|la|vos|ce|cette) (?:liste|fichier|base)/,
  /\bsupprime[rz] (?:mon adresse|mes (?:données|coordonnées))\b/,
];

// "Dame de baja", "no quiero recibir más correos", "eliminen mi correo de su base de datos".
const SPANISH = [
  /\b(?:dar|den|d[ée]|da)me de baja\b|\bdarme de baja\b/,
  /\bno (?:quiero|deseo) (?:seguir )?recibir (?:m[áa]s|ning[úu]n)|\bno me (?:escrib|contact|envi)(?:as|an|a|en|éis|eis)\w* m[áa]s\b/,
  /\bno me escrib(?:as|an|a)\b|\bdej(?:en|a|e|ad) de (?:escribirme|enviarme|contactarme|mandarme)\b/,
  /\b(?:elim[ií]n|borr|qu[ií]t|s[áa]c)(?:e|en|a|ad)me de (?:su|tu|la|sus|vuestra|esta) (?:lista|base)/,
  /\b(?:elim[ií]n|borr)(?:e|en|a|ad) (?:mi (?:correo|e-?mail|direcci[óo]n)|mis datos)\b/,
];

// "Cancellatemi dalla lista", "non voglio più ricevere", "non scrivetemi più".
const ITALIAN = [
  /\bdisiscriv|\bcancellatemi\b|\bcancellami\b|\brimuovetemi\b|\brimuovimi\b/,
  /\bnon (?:voglio|desidero) (?:pi[ùu] )?ricevere (?:pi[ùu] |altre )?|\bnon (?:scrivetemi|contattatemi|mi scrivete|mi contattate) pi[ùu](?![a-zà-ÿ])/,
  /\b(?:cancellate|rimuovete|eliminate) (?:il )?mio (?:indirizzo|contatto)\b/,
];

// "Removam o meu e-mail da lista", "não quero receber mais", "descadastrar".
const PORTUGUESE = [
  /\bdescadastr|\bcancelar (?:a )?(?:minha )?inscri[çc][ãa]o\b/,
  /\bn[ãa]o (?:quero|desejo) (?:mais )?receber\b|\bn[ãa]o me (?:enviem|mandem|contactem|contatem|escrevam) mais\b/,
  /\b(?:removam|remova|retirem|apaguem|eliminem)[- ](?:me|o meu (?:e-?mail|endere[çc]o|contacto|contato))\b/,
];

// "Graag uitschrijven", "schrijf me uit", "verwijder mij uit uw bestand".
const DUTCH = [
  /\buitschrijven\b|\bschrijf (?:me|mij) (?:alstublieft |aub |a\.u\.b\. )?uit\b|\bafmelden\b/,
  /\bgeen (?:e-?mails|mails|berichten|nieuwsbrieven) meer\b|\bverwijder (?:me|mij|mijn (?:e-?mail|gegevens|adres))\b/,
  /\b(?:mail|stuur|contacteer) (?:me|mij) (?:niet meer|nooit meer)\b/,
];

/** Any of the opt-out phrasings above: case-insensitive, Unicode. */
export const UNSUBSCRIBE_WORDING = new RegExp(
  [...ENGLISH, ...GERMAN, ...FRENCH, ...SPANISH, ...ITALIAN, ...PORTUGUESE, ...DUTCH, /配信停止|配信を停止/].map((r) => r.source).join('|'),
  'iu',
);
