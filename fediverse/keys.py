"""The blog actor's key pair, and RSA as the fediverse uses it (PKCS#1 v1.5 with SHA-256)."""

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .models import ActorKey

KEY_BITS = 2048


def new_key_pair():
    """(private PEM, public PEM) of a new RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


def blog_key():
    """The blog's key row (made by migration 0002; made here only if someone deleted it)."""
    row = ActorKey.objects.order_by("pk").first()
    if row is None:
        private_pem, public_pem = new_key_pair()
        row = ActorKey.objects.create(private_key_pem=private_pem, public_key_pem=public_pem)
    return row


def sign(private_pem, data):
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify(public_pem, signature, data):
    """True when `signature` is `data` signed by the key of `public_pem`."""
    from cryptography.exceptions import InvalidSignature

    try:
        key = serialization.load_pem_public_key(public_pem.encode())
        if not isinstance(key, rsa.RSAPublicKey):
            return False
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
