#!/usr/bin/env python3
"""Writes media/pii/testdata/hard.jsonl: a small hand-written set of hard
lines, labelled by hand (kind and the exact substring), kept apart from the
generated set so that it is not tuned to the detector. Each line's spans
are found by substring search, so a substring must be unique in its line.

Run from the repository root: python3 scripts/pii-labelled/hard.py
"""
import json

LINES = [
    ("Mon numéro : 06 12 34 56 78 ou bien le 07.98.76.54.32", [("phone", "06 12 34 56 78"), ("phone", "07.98.76.54.32")]),
    ("je m'appelle Anne-Laure Bézier-Poulain", [("name", "Anne-Laure Bézier-Poulain")]),
    ("Tu peux joindre Kévin au 0698765432", [("name", "Kévin"), ("phone", "0698765432")]),
    ("M. et Mme Garnier habitent au 5, rue des Fleurs", [("name", "Garnier"), ("address", "5, rue des Fleurs")]),
    ("IBAN : FR14 2004 1010 0505 0001 3M02 606", [("iban", "FR14 2004 1010 0505 0001 3M02 606")]),
    ("ma carte visa 4532 0151 1283 0366", [("card", "4532 0151 1283 0366")]),
    ("SIREN 552 100 554, code APE 6110Z", []),
    ("Appelez le 3949 (service gratuit + prix appel)", []),
    ("Le 15 est le numéro du SAMU, le 112 en Europe.", []),
    ("John O'Connor called from +353 1 234 5678", [("name", "John O'Connor"), ("phone", "+353 1 234 5678")]),
    ("c'est Sophie, de chez Orange", [("name", "Sophie")]),
    ("Signé : Dr. Martin", [("name", "Martin")]),
    ("Je vis 12 avenue des Champs-Élysées à Paris", [("address", "12 avenue des Champs-Élysées")]),
    ("Mon adresse: 3 rue Pasteur, 69007 Lyon", [("address", "3 rue Pasteur, 69007 Lyon")]),
    ("40 ans de fidélité, 3 box, 2 téléphones", []),
    ("Vous avez appelé le zéro huit cent, numéro vert", []),
    ("L'agent Thomas Pesquet m'a répondu", [("name", "Thomas Pesquet")]),
    ("pouvez-vous rappeler ma fille Léa au 06 11 22 33 44 ?", [("name", "Léa"), ("phone", "06 11 22 33 44")]),
    ("Email: contact@société-exemple.fr", [("email", "contact@société-exemple.fr")]),
    ("Je suis passé au 14 rue Jean Moulin hier", [("address", "14 rue Jean Moulin")]),
    ("Réunion le 3 juin 2024 de 9h à 11h salle B12", []),
    ("J'ai ma Zoé depuis 2019, super voiture", []),
    ("Thank you Mr. Patel for your patience", [("name", "Patel")]),
    ("Bonjour Claire, c'est Julien Moreau", [("name", "Claire"), ("name", "Julien Moreau")]),
    ("J'ai parlé à Inès hier, elle était charmante", [("name", "Inès")]),
    ("prix: 1 299,99 €, frais 4,90 €", []),
    ("total 4 970,00 € au 31/12/2023", []),
    ("my card ending 4242 was declined", []),
    ("Ref colis 6A18749372651", []),
    ("+33 6 12 34 56 78 / +44 7911 123456", [("phone", "+33 6 12 34 56 78"), ("phone", "+44 7911 123456")]),
    ("sécu 1 85 05 78 006 084 91, mutuelle MGEN", [("nir", "1 85 05 78 006 084 91")]),
    ("le numéro 1 85 05 78 006 084 36 est faux", []),
    ("mon mari, Patrick, s'occupe des factures", [("name", "Patrick")]),
    ("Grâce à vous tout marche, merci !", []),
    ("La Poste a perdu mon colis à Marseille", []),
    ("Le forfait Série Free à 9,99 € par mois", []),
    ("j'habite 7 impasse du Lavoir 35000 Rennes", [("address", "7 impasse du Lavoir 35000 Rennes")]),
    ("Écrivez-moi : marc-antoine.leroux@wanadoo.fr", [("email", "marc-antoine.leroux@wanadoo.fr")]),
    ("Monsieur DUPONT Jean-Claude a rappelé", [("name", "DUPONT Jean-Claude")]),
    ("Hello, this is Emma from the billing team", [("name", "Emma")]),
    ("Bonne journée Madame Petit !", [("name", "Petit")]),
    ("Le Petit Prince est mon livre préféré", []),
    ("j'ai payé 59 € le 4 mars, facture 2024-03-0457", []),
    ("Numéro de suivi 1Z999AA10123456784", []),
    ("virement de 1 250 euros vers DE89 3704 0044 0532 0130 00", [("iban", "DE89 3704 0044 0532 0130 00")]),
    ("ma carte 5555 5555 5555 4445 a été refusée (elle est fausse)", []),
    # Second batch, written after the first batch had been used to add the
    # family and contact-verb contexts, and scored before any change.
    ("Allô ? Oui c'est Nathalie, je vous rappelle pour le dossier", [("name", "Nathalie")]),
    ("Merci Mme Rousseau, je transmets.", [("name", "Rousseau")]),
    ("veuillez contacter le service au 09 70 80 90 00", [("phone", "09 70 80 90 00")]),
    ("le RIB : GB29 NWBK 6016 1331 9268 19", [("iban", "GB29 NWBK 6016 1331 9268 19")]),
    ("Pouvez-vous noter : 2 rue de l'Abbé Grégoire, 75006 Paris", [("address", "2 rue de l'Abbé Grégoire, 75006 Paris")]),
    ("J'ai 2 forfaits et 3 lignes", []),
    ("appel du 04/11 à 10h12, durée 12 min", []),
    ("Mon code postal c'est 13008, Marseille", []),
    ("Elle s'appelle Jeanne Martin, c'est ma mère", [("name", "Jeanne Martin")]),
    ("Le technicien, Mohamed, est venu à 8h", [("name", "Mohamed")]),
    ("Mes coordonnées : 0 6 1 2 3 4 5 6 7 8", [("phone", "0 6 1 2 3 4 5 6 7 8")]),
    ("j'habite au 110 bis, boulevard Haussmann", [("address", "110 bis, boulevard Haussmann")]),
    ("Date de naissance 12/05/1985, né à Lille", []),
    ("C'est Amazon qui livre, pas nous", []),
    ("Merci pour votre aide, Sandrine", [("name", "Sandrine")]),
    ("Bien cordialement, Thierry Lemoine", [("name", "Thierry Lemoine")]),
    ("my email is j.smith@company.co.uk", [("email", "j.smith@company.co.uk")]),
    ("Call me back on 07700 900123", [("phone", "07700 900123")]),
    ("Je m'appelle Marc, M-A-R-C", [("name", "Marc")]),
    ("Code promo BIENVENUE20, valable 30 jours", []),
    ("Mon numéro fiscal 1234567890123", []),
    ("Votre conseillère Laura reste à votre disposition", [("name", "Laura")]),
    ("Bonjour à tous, Jean-Marc ici", [("name", "Jean-Marc")]),
    ("Contact: +33 1 44 55 66 77 (standard)", [("phone", "+33 1 44 55 66 77")]),
    ("Sur la facture de mars, 15,99 € HT", []),
    ("Dites à Lucie que je passe demain", [("name", "Lucie")]),
    ("Merci M. Chen !", [("name", "Chen")]),
    ("Mme veuve Durand", [("name", "Durand")]),
    # Third batch, written after the second batch's changes, scored before
    # any further change; more written comments and English.
    ("Très déçue par le SAV. Mme Lopez, cliente depuis 10 ans.", [("name", "Lopez")]),
    ("Le livreur (Kader) a été top !", [("name", "Kader")]),
    ("J'ai appelé 5 fois le 3900, personne ne répond", []),
    ("Contactez-moi: sylvie.moreau59@gmail.com ou 06-45-78-12-90", [("email", "sylvie.moreau59@gmail.com"), ("phone", "06-45-78-12-90")]),
    ("Je m'appelle Bernard, Bernard Lefort", [("name", "Bernard"), ("name", "Bernard Lefort")]),
    ("Adresse de livraison: 18 allée des Cerisiers 44300 Nantes", [("address", "18 allée des Cerisiers 44300 Nantes")]),
    ("Mon IBAN ES91 2100 0418 4502 0005 1332 pour le remboursement", [("iban", "ES91 2100 0418 4502 0005 1332")]),
    ("Carte Mastercard 5105 1051 0510 5100", [("card", "5105 1051 0510 5100")]),
    ("Le conseiller Rémi m'a bien aidé", [("name", "Rémi")]),
    ("Ligne fixe coupée depuis le 02/09, box redémarrée 5 fois", []),
    ("Super accueil de Julie à la boutique de Lille", [("name", "Julie")]),
    ("Thanks to Tom at the Oxford Street store!", [("name", "Tom")]),
    ("Veuillez rappeler Mme Benali au 01 45 67 89 10", [("name", "Benali"), ("phone", "01 45 67 89 10")]),
    ("M. Kowalski a reçu une facture de 89,99 €", [("name", "Kowalski")]),
    ("Numéro de sécurité sociale : 2 69 05 49 588 157 80", [("nir", "2 69 05 49 588 157 80")]),
    ("Mon ancien numéro était le 04 78 12 34 56", [("phone", "04 78 12 34 56")]),
    ("Vous pouvez écrire à service.client@orange.fr", [("email", "service.client@orange.fr")]),
    ("Demandez Madame Girard à l'accueil", [("name", "Girard")]),
    ("Le 1er avril, j'ai payé 120 € pour rien", []),
    ("Orange Bank m'a débité deux fois", []),
    ("Mon voisin M. Diallo a le même souci", [("name", "Diallo")]),
    ("tél. 06 78 90 12 34 (après 18h)", [("phone", "06 78 90 12 34")]),
    ("Je suis au 27 rue du Faubourg Saint-Antoine", [("address", "27 rue du Faubourg Saint-Antoine")]),
    ("J'habite Rennes depuis 2015", []),
    ("Allô, Hugo ? C'est Maman", [("name", "Hugo")]),
    ("Bonjour Mme, je voudrais résilier", []),
    ("Mr Bean is my favourite show", []),
    ("Ma fille Chloé, 12 ans, a un forfait bloqué", [("name", "Chloé")]),
    ("N° de contrat CT-2024-1187, titulaire Sébastien Roy", [("name", "Sébastien Roy")]),
]


def main():
    with open("media/pii/testdata/hard.jsonl", "w", encoding="utf-8") as f:
        for text, spans in LINES:
            out = []
            for kind, sub in spans:
                i = text.find(sub)
                if i < 0:
                    raise SystemExit(f"{sub!r} not in {text!r}")
                out.append({"kind": kind, "start": i, "end": i + len(sub)})
            # Python's str indexes are code points, like Go runes.
            f.write(json.dumps({"text": text, "spans": out}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
