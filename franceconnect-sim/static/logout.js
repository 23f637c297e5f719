// Submit the logout form at once: FranceConnect ends its session without a confirmation step.
document.getElementById('logout-confirm')?.click();
