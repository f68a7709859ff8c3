#!/usr/bin/env python3
"""Builds the embedded demo library: four short French calls and six verbatims.

The calls are synthetic (espeak-ng, two voices: the agent "Conseiller" and the
customer "Client"), so they contain no personal data and are approved as they
are. Each call is 16 kHz mono 16-bit PCM WAV with an exact WebVTT transcript
(cue times come from the generated audio) and a JSON metadata sidecar.

Needs espeak-ng and sox. Run from this folder:  python3 make-demo.py
"""
import json, os, subprocess, tempfile

VOICES = {"Conseiller": "fr+m3", "Client": "fr+f2"}
GAP = 0.45  # seconds of silence between turns
RATE = 16000

CALLS = [
    {"slug": "colis-perdu", "title": "Colis perdu, trois appels sans réponse", "date": "2026-10-02",
     "channel": "téléphone", "topic": "Livraison", "score": 2, "sentiment": "negatif",
     "turns": [
         ("Conseiller", "Service client, bonjour, que puis-je faire pour vous ?"),
         ("Client", "C'est la troisième fois que j'appelle. Mon colis devait arriver il y a dix jours."),
         ("Conseiller", "Je comprends. Je vois que le colis est bloqué au dépôt."),
         ("Client", "Personne ne m'a prévenu. J'ai l'impression de parler dans le vide."),
     ]},
    {"slug": "conseillere-formidable", "title": "Une conseillère formidable", "date": "2026-10-05",
     "channel": "téléphone", "topic": "Accueil", "score": 10, "sentiment": "positif",
     "turns": [
         ("Client", "Je voulais juste vous dire merci pour hier."),
         ("Conseiller", "Avec plaisir, qu'est-ce qui s'est passé ?"),
         ("Client", "Votre collègue a pris le temps de tout m'expliquer, sans me presser."),
         ("Client", "Je me suis senti écouté. C'est rare."),
     ]},
    {"slug": "resiliation-difficile", "title": "Résilier, un parcours du combattant", "date": "2026-10-09",
     "channel": "téléphone", "topic": "Résiliation", "score": 1, "sentiment": "negatif",
     "turns": [
         ("Client", "Je veux résilier mon abonnement, je l'ai déjà demandé par courrier."),
         ("Conseiller", "Je dois d'abord vous proposer une offre de fidélité."),
         ("Client", "Non, je ne veux pas d'offre. Je veux simplement partir."),
         ("Conseiller", "Très bien, la résiliation sera effective le mois prochain."),
     ]},
    {"slug": "panne-internet-resolue", "title": "Panne internet résolue en dix minutes", "date": "2026-10-14",
     "channel": "téléphone", "topic": "Assistance technique", "score": 8, "sentiment": "positif",
     "turns": [
         ("Client", "Ma connexion internet coupe toutes les heures depuis ce matin."),
         ("Conseiller", "Je lance un diagnostic à distance, un instant."),
         ("Conseiller", "C'est réglé, votre box a redémarré avec la bonne configuration."),
         ("Client", "Déjà ? Merci beaucoup, c'était rapide."),
     ]},
]

VERBATIMS = [
    ("2026-09-20", "enquête", "Livraison", 2, "negatif", "Livreur passé sans sonner, colis renvoyé au dépôt. Deux semaines pour le récupérer."),
    ("2026-09-22", "avis", "Accueil", 9, "positif", "Accueil chaleureux en boutique, on m'a aidé à tout configurer."),
    ("2026-09-25", "e-mail", "Facturation", 3, "negatif", "Facturé deux fois ce mois-ci et toujours pas remboursé."),
    ("2026-09-28", "chat", "Assistance technique", 10, "positif", "Réponse en deux minutes sur le chat, problème résolu. Bravo !"),
    ("2026-10-01", "enquête", "Résiliation", 1, "negatif", "Impossible de résilier en ligne, il faut appeler et attendre quarante minutes."),
    ("2026-10-03", "avis", "Produit", 8, "positif", "Produit conforme, application simple. Je recommande."),
]


def ts(s):
    ms = int(round(s * 1000))
    return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)


def duration(path):
    return float(subprocess.check_output(["soxi", "-D", path]).decode())


def main():
    out = "files"
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for call in CALLS:
            parts, cues, t = [], [], 0.0
            for i, (who, text) in enumerate(call["turns"]):
                raw = os.path.join(tmp, "raw%d.wav" % i)
                seg = os.path.join(tmp, "seg%d.wav" % i)
                subprocess.check_call(["espeak-ng", "-v", VOICES[who], "-s", "150", "-w", raw, text])
                # Trim espeak's own leading/trailing silence, resample, then pad the gap after.
                subprocess.check_call(["sox", raw, "-r", str(RATE), "-c", "1", "-b", "16", seg,
                                       "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse",
                                       "pad", "0", str(GAP)])
                d = duration(seg)
                cues.append((t, t + d - GAP, who, text))
                parts.append(seg)
                t += d
            wav = os.path.join(out, call["slug"] + ".wav")
            subprocess.check_call(["sox"] + parts + [wav, "gain", "-n", "-3"])
            with open(os.path.join(out, call["slug"] + ".vtt"), "w") as f:
                f.write("WEBVTT\n\n")
                for i, (a, b, who, text) in enumerate(cues, 1):
                    f.write("%d\n%s --> %s\n<v %s>%s\n\n" % (i, ts(a), ts(b), who, text))
            meta = {k: call[k] for k in ("title", "date", "channel", "topic", "score", "sentiment")}
            with open(os.path.join(out, call["slug"] + ".json"), "w") as f:
                json.dump(meta, f, ensure_ascii=False, indent=1)
                f.write("\n")
    with open(os.path.join(out, "verbatims.csv"), "w") as f:
        f.write("date;canal;thème;note;sentiment;texte\n")
        for v in VERBATIMS:
            f.write("%s;%s;%s;%d;%s;%s\n" % v)


if __name__ == "__main__":
    main()
