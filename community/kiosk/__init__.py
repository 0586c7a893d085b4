"""Kiosk mode: a shared touch screen in the 党群服务中心, keypad login, 60-second idle logout."""
