"""The verifier page at ``/``: French by default, English with ``?lang=en``; the security headers.

Why a page with no inline script and no external asset: it is opened on phones at a counter or a
roadside check, often on poor networks, and it handles identity data. Everything (script, style,
the zxing-wasm DataMatrix reader vendored by ``make web-assets``) is served from
``verifier/static/``; the Content-Security-Policy allows only our own origin, the camera only for
this origin, and adds exactly one thing for the camera: ``'wasm-unsafe-eval'``, which lets the
page compile the vendored WebAssembly reader (CSP Level 3) and nothing else. The camera frames
are decoded on the phone and only the decoded text is sent: no image of a person's document
leaves the device. The wording lives here, in one table per language, and reaches
the script as a JSON data block (not executable, so the CSP holds).
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

__all__ = ["CSP", "MESSAGES", "bp", "security_headers"]

bp = Blueprint("verify_page", __name__)

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Vérifier un permis de conduire",
        "intro": "Contrôlez un relevé d'information ou une attestation de droits à conduire "
                 "portant un code 2D-Doc signé.",
        "purpose": "Vous êtes",
        "purpose_employer": "Employeur",
        "purpose_rental": "Loueur de véhicules",
        "purpose_police": "Forces de l'ordre",
        "file": "Photo ou PDF du document",
        "file_button": "Choisir une photo ou un PDF",
        "camera": "Scanner avec la caméra",
        "camera_stop": "Arrêter la caméra",
        "camera_hint": "Placez le code 2D-Doc dans le cadre.",
        "camera_error": "Caméra indisponible sur cet appareil ou refusée.",
        "text": "Texte lu par un lecteur de codes",
        "text_placeholder": "Scannez ou collez ici le texte du code (commence par DC…)",
        "verify": "Vérifier",
        "working": "Vérification en cours…",
        "valid": "Document authentique et valide",
        "invalid": "Document NON valide",
        "reasons": "Motifs",
        "until": "Attestation valable jusqu'au",
        "name": "Nom",
        "first_names": "Prénoms",
        "birth_date": "Date de naissance",
        "categories": "Catégories",
        "state": "État du permis",
        "issued": "Émis le",
        "document": "Document",
        "document_id": "Numéro du document",
        "error": "Impossible de vérifier",
        "error_empty_file": "Le fichier est vide.",
        "error_file_too_large": "Le fichier dépasse 10 Mo.",
        "error_request_entity_too_large": "Le fichier dépasse 10 Mo.",
        "error_unsupported_format": "Format non pris en charge : envoyez une photo (JPEG, PNG, "
                                    "WebP, TIFF) ou un PDF.",
        "error_corrupt_file": "Le fichier est endommagé ou incomplet.",
        "error_too_many_pixels": "L'image est trop grande (plus de 40 mégapixels).",
        "error_too_many_pages": "Le PDF a trop de pages (10 au plus).",
        "error_decode_budget_exceeded": "La lecture a pris trop de temps : essayez une photo "
                                        "plus nette, cadrée sur le code.",
        "error_no_2ddoc_found": "Aucun code 2D-Doc trouvé : cadrez le carré noir et blanc du "
                                "document, bien éclairé et net.",
        "error_not_a_2ddoc": "Ce code n'est pas un 2D-Doc (par exemple un pass sanitaire).",
        "error_unreadable_file": "Le fichier n'a pas pu être lu.",
        "repaired": "Le texte avait perdu ses séparateurs (lecteur en mode clavier) : réparé.",
        "all_fields": "Contenu complet du code",
        "others": "Autres codes trouvés",
        "drop_hint": "ou déposez le fichier sur cette page",
        "camera_video": "Image de la caméra",
        "camera_loading": "Préparation du lecteur…",
        "camera_searching": "Recherche du code… placez le code 2D\u2011Doc dans le cadre.",
        "camera_https": "La caméra a besoin d'une connexion sécurisée (HTTPS) : ouvrez cette "
                        "page par une adresse https://, ou envoyez une photo du document.",
        "camera_timeout": "Aucun code lu en 20 secondes. Éclairez bien le document, tenez le "
                          "téléphone à 15–20 cm, immobile, le code entier dans le cadre, puis "
                          "réessayez.",
        "empty": "Rien à vérifier : choisissez une photo ou un PDF, scannez le code avec la "
                 "caméra, ou collez le texte lu par un lecteur de codes.",
        "result": "Résultat de la vérification",
        "not_allowed": "Ce permis n'autorise pas la conduite",
        "authentic": "document authentique",
        "allowed": "Conduite autorisée",
        "categories_in_force": "catégories",
        "expired": "a expiré le",
        "stale_title": "Document authentique, mais ancien",
        "stale": "L'état du permis a pu changer depuis : demandez une attestation de droits à "
                 "conduire (ADCS) récente.",
        "issued_age": "Établi le {date}, il y a {age}",
        "days": "jours", "day": "jour", "months": "mois", "month": "mois",
        "specimen": "Document de test — signé par l'autorité de test FR00 (spécimen, sans "
                    "valeur)",
        "code": "code",
        "cut": " … (tronqué)",
        "place": "Lieu de naissance",
        "points": "Solde de points",
        "switch": "English",
        "switch_lang": "en",
        "noscript": "Cette page a besoin de JavaScript. L'API reste utilisable : "
                    "POST /api/v1/verify.",
        "lang": "fr",
    },
    "en": {
        "title": "Verify a driving licence",
        "intro": "Check a French driving-licence record or attestation carrying a signed "
                 "2D-Doc code.",
        "purpose": "You are",
        "purpose_employer": "Employer",
        "purpose_rental": "Vehicle rental",
        "purpose_police": "Law enforcement",
        "file": "Photo or PDF of the document",
        "file_button": "Choose a photo or a PDF",
        "camera": "Scan with the camera",
        "camera_stop": "Stop the camera",
        "camera_hint": "Hold the 2D-Doc code inside the frame.",
        "camera_error": "The camera is unavailable on this device or was refused.",
        "text": "Text from a barcode reader",
        "text_placeholder": "Scan or paste the code's text here (starts with DC…)",
        "verify": "Verify",
        "working": "Verifying…",
        "valid": "Authentic and valid document",
        "invalid": "Document NOT valid",
        "reasons": "Reasons",
        "until": "Attestation valid until",
        "name": "Last name",
        "first_names": "First names",
        "birth_date": "Date of birth",
        "categories": "Categories",
        "state": "Licence state",
        "issued": "Issued on",
        "document": "Document",
        "document_id": "Document number",
        "error": "Could not verify",
        "error_empty_file": "The file is empty.",
        "error_file_too_large": "The file is larger than 10 MB.",
        "error_request_entity_too_large": "The file is larger than 10 MB.",
        "error_unsupported_format": "Unsupported format: send a photo (JPEG, PNG, WebP, TIFF) "
                                    "or a PDF.",
        "error_corrupt_file": "The file is damaged or incomplete.",
        "error_too_many_pixels": "The image is too large (over 40 megapixels).",
        "error_too_many_pages": "The PDF has too many pages (10 at most).",
        "error_decode_budget_exceeded": "Reading took too long: try a sharper photo framed on "
                                        "the code.",
        "error_no_2ddoc_found": "No 2D-Doc code found: frame the black-and-white square of the "
                                "document, well lit and sharp.",
        "error_not_a_2ddoc": "This code is not a 2D-Doc (for instance a COVID pass).",
        "error_unreadable_file": "The file could not be read.",
        "repaired": "The text had lost its separators (keyboard-mode reader): repaired.",
        "all_fields": "Full content of the code",
        "others": "Other codes found",
        "drop_hint": "or drop the file on this page",
        "camera_video": "Camera view",
        "camera_loading": "Preparing the reader…",
        "camera_searching": "Looking for the code… hold the 2D\u2011Doc code inside the frame.",
        "camera_https": "The camera needs a secure connection (HTTPS): open this page at an "
                        "https:// address, or send a photo of the document.",
        "camera_timeout": "No code read in 20 seconds. Light the document well, hold the phone "
                          "15–20 cm away and still, the whole code inside the frame, then try "
                          "again.",
        "empty": "Nothing to verify: choose a photo or a PDF, scan the code with the camera, "
                 "or paste the text read by a barcode reader.",
        "result": "Verification result",
        "not_allowed": "This licence does not allow driving",
        "authentic": "authentic document",
        "allowed": "Driving allowed",
        "categories_in_force": "categories",
        "expired": "expired on",
        "stale_title": "Authentic document, but old",
        "stale": "The licence state may have changed since: ask for a recent driving "
                 "entitlement attestation (ADCS).",
        "issued_age": "Issued on {date}, {age} ago",
        "days": "days", "day": "day", "months": "months", "month": "month",
        "specimen": "Test document — signed by the test authority FR00 (specimen, no value)",
        "code": "code",
        "cut": " … (cut)",
        "place": "Place of birth",
        "points": "Points balance",
        "switch": "Français",
        "switch_lang": "fr",
        "noscript": "This page needs JavaScript. The API still works: POST /api/v1/verify.",
        "lang": "en",
    },
}


def security_headers(response: Response) -> Response:
    """Add the CSP and the usual hardening headers to every answer (page and API)."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=()")
    return response


@bp.get("/")
def index() -> str:
    """The verifier page in the language asked by ``?lang=`` (French unless ``en``)."""
    lang = "en" if request.args.get("lang") == "en" else "fr"
    return render_template("verifier/index.html", t=MESSAGES[lang], messages=MESSAGES[lang])
