import { createApp } from 'vue';
// Registers <oz-liveness> before the app renders it.
import 'oz-liveness';
import App from './App.vue';

createApp(App).mount('#app');
